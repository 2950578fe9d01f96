import { describe, expect, it } from '@jest/globals';
import { type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse, type FieldNode } from 'graphql';
import { selectsField } from './selection.js';

/** The root field of a query and its fragments, as a resolver's info has them. */
function infoOf(query: string) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

describe('selectsField', () => {
  it('finds a field asked for directly, in an inline fragment or in a named one', () => {
    expect(selectsField(infoOf('{ verifyLedger { valid projections { clean } } }'), 'projections')).toBe(true);
    expect(selectsField(infoOf('{ verifyLedger { valid ... on Verification { projections { clean } } } }'), 'projections')).toBe(true);
    expect(selectsField(infoOf('{ verifyLedger { ...V } } fragment V on Verification { projections { clean } }'), 'projections')).toBe(true);
  });

  it('does not find one not asked for, nor one deeper down', () => {
    expect(selectsField(infoOf('{ verifyLedger { valid } }'), 'projections')).toBe(false);
    expect(selectsField(infoOf('{ verifyLedger { valid projections { clean } } }'), 'clean')).toBe(false);
  });
});
