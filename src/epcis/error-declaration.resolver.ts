import { Field, ObjectType, ResolveField, Resolver } from '@nestjs/graphql';
import type { Caller } from '../auth/caller.js';
import { requestLoader } from '../graphql/request-loader.js';
import { SafeIntScalar } from '../graphql/scalars.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { CorrectionsRepository, RecordedDeclaration } from './corrections.repository.js';

@ObjectType('ErrorDeclaration', {
  description:
    'An EPCIS error declaration: the event behind this entry was declared erroneous by the organization that captured it. The entry stays in the ledger.',
})
export class ErrorDeclarationModel {
  @Field({ description: 'The event declared erroneous: its eventID as captured (its CBV 2.0 hash ID when it came without one)' }) eventID: string;
  @Field() declarationTime: Date;
  @Field(() => String, { nullable: true, description: 'The CBV error reason as sent (did_not_occur, incorrect_data, or a URI)' }) reason: string | null;
  @Field(() => [String], { description: 'The events that put it right, as declared' }) correctiveEventIDs: string[];
  @Field(() => SafeIntScalar, { description: 'The EVENT_DECLARED_ERRONEOUS entry that says so, on the same batch chain' }) declarationSeq: number;
  @Field({ description: 'The organization that declared it (the entry’s actor)' }) declaredBy: string;
}

/** What a field resolver gets as its third argument (app.module's GraphQL context). */
interface GraphqlContext {
  req: { caller?: Caller };
}

/**
 * LedgerEntry.errorDeclaration: where a batch's entries are shown (Batch.events, and so a trace's nodes;
 * ledgerEntries), the declaration that marks one of them erroneous. It is read from the declaration entry on
 * the same batch chain, so it is shown exactly where that entry is: to whoever may read the chain. Its
 * members are public (docs/ledger-format.md §4): the consumer page shows them too.
 */
@Resolver(() => LedgerEntryModel)
export class ErrorDeclarationResolver {
  constructor(private readonly repository: CorrectionsRepository) {}

  // No parameter decorators, as in BatchesResolver: graphql-js calls it as (entry, args, context).
  @ResolveField(() => ErrorDeclarationModel, {
    nullable: true,
    description: 'Set when the event this entry records was declared erroneous (EPCIS errorDeclaration); the entry itself stays as it was.',
  })
  async errorDeclaration(entry: LedgerEntryModel, _args: unknown, context: GraphqlContext): Promise<ErrorDeclarationModel | null> {
    if (entry.batchId === null) return null;
    // One query for every batch of the request (a trace asks once per entry of every node).
    const declarations = await requestLoader<RecordedDeclaration[]>(context.req, 'error-declarations', (ids) =>
      this.repository.declarationsOfBatches(ids),
    ).load(entry.batchId);
    const found = (declarations ?? []).find((d) => d.payload.erroneousSeqs.includes(entry.seq));
    if (!found) return null;
    const model = new ErrorDeclarationModel();
    model.eventID = found.payload.eventID;
    model.declarationTime = new Date(found.payload.declarationTime);
    model.reason = found.payload.reason ?? null;
    model.correctiveEventIDs = found.payload.correctiveEventIDs ?? [];
    model.declarationSeq = found.seq;
    model.declaredBy = found.actor;
    return model;
  }
}
