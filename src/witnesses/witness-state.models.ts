import { Field, ObjectType } from '@nestjs/graphql';
import { SafeIntScalar } from '../graphql/scalars.js';

@ObjectType('WitnessState', { description: 'One of the witnesses the service sends its checkpoints to (WITNESS_URLS), and how it stands.' })
export class WitnessStateModel {
  @Field({ description: "The witness's name, as in its cosignature lines" }) name: string;
  @Field({ description: "Its key ID, hex: with the name, it names the witness's key" }) keyId: string;
  @Field(() => SafeIntScalar, { nullable: true, description: 'The newest tree size it cosigned (kept cosignatures); null when none yet.' })
  cosignedSize: number | null;
  @Field(() => Date, { nullable: true, description: 'When that cosignature was kept.' }) cosignedAt: Date | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Why its last answer was refused, as the instance that feeds the witnesses knows it (since it started); ' +
      'null once it cosigned, or when this instance does not feed them.',
  })
  lastError: string | null;
}
