import { z } from 'zod';

type Values = Readonly<Record<string, unknown>>;

/** A cross-variable rule, applied with `.check(...rules)` on a service's config object. */
export type ConfigRule = z.core.$ZodCheck<Values>;

function isSet(values: Values, name: string): boolean {
  return values[name] !== undefined && values[name] !== '';
}

/**
 * Builds a rule that runs even when other variables failed, so one parse reports every problem.
 * The object it checks may then still contain raw strings, so rules test presence or `=== true` only.
 */
function rule(path: string, message: string, holds: (values: Values) => boolean): ConfigRule {
  return z.refine<Values>(holds, { path: [path], message, when: () => true });
}

/** When `name` is set, each of `required` must be set too. */
export function requiresWhenSet(name: string, required: readonly string[]): ConfigRule[] {
  return required.map((other) =>
    rule(
      other,
      `required when ${name} is set`,
      (values) => !isSet(values, name) || isSet(values, other),
    ),
  );
}

/** Exactly one of `names` must be set; the problem is reported on the first name. */
export function exactlyOneOf(names: readonly string[]): ConfigRule {
  const count = (values: Values) => names.filter((name) => isSet(values, name)).length;

  return rule(
    names[0] ?? '',
    `set exactly one of ${names.join(', ')}`,
    (values) => count(values) === 1,
  );
}

/** Either all of `names` are set or none of them; each missing one is reported. */
export function allOrNone(names: readonly string[]): ConfigRule[] {
  const anySet = (values: Values) => names.some((name) => isSet(values, name));

  return names.map((name) =>
    rule(
      name,
      `set all of ${names.join(', ')} or none`,
      (values) => isSet(values, name) || !anySet(values),
    ),
  );
}

/** When `name` is set, the boolean variable `flag` must be true. */
export function requiresFlag(name: string, flag: string): ConfigRule {
  return rule(
    name,
    `requires ${flag}=true`,
    (values) => !isSet(values, name) || values[flag] === true,
  );
}
