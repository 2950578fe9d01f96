import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsDate, IsNumber, IsOptional, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';

export const MAX_READINGS_PER_CALL = 10_000;

@InputType()
export class TemperatureReadingInput {
  @Field() @IsDate() at: Date;
  @Field(() => Float) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-100) @Max(100) celsius: number;
}

@InputType()
export class RecordTemperaturesInput {
  @Field(() => ID) @IsUUID() batchId: string;
  @Field(() => String, { nullable: true, description: 'The logger or sensor, 1–64 printable ASCII characters' })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,64}$/, { message: 'sensorId must be 1 to 64 printable ASCII characters' })
  sensorId?: string | null;
  @Field(() => [TemperatureReadingInput], { description: `Up to ${MAX_READINGS_PER_CALL} readings` })
  @ValidateNested({ each: true })
  @Type(() => TemperatureReadingInput)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_READINGS_PER_CALL)
  readings: TemperatureReadingInput[];
}
