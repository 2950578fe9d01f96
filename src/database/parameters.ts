/** One column of an `unnest`: its SQL element type and how to read its value from an item. */
export type UnnestColumn<T> = readonly [elementType: string, value: (item: T) => unknown];

/**
 * The placeholders of a parameterised statement, made where they are used: each `bind` adds its value
 * and answers its `$n`, so the text and the values cannot fall out of step. Built in the same order,
 * the text is the same every time (as a named statement needs).
 */
export class Parameters {
  readonly values: unknown[] = [];

  /** `$n::type`, bound to `value`. */
  bind(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }

  /** `unnest($a::t1[], $b::t2[]) AS alias(c1, c2)`: one row per item, each column named beside the value it takes. */
  unnest<T>(alias: string, items: readonly T[], columns: Record<string, UnnestColumn<T>>): string {
    const names = Object.keys(columns);
    const arrays = names.map((name) => this.bind(items.map(columns[name][1]), `${columns[name][0]}[]`));
    return `unnest(${arrays.join(', ')}) AS ${alias}(${names.join(', ')})`;
  }
}
