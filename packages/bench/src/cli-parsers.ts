import { InvalidArgumentError as CommanderArgumentError } from 'commander';

/** Commander value parsers: a bad value becomes a usage error (exit code 2) naming what was expected. */
export function positiveInt(raw: string): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new CommanderArgumentError(`expected a positive integer, got '${raw}'`);
  return v;
}

export function commaList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export function intList(raw: string): number[] {
  const values = commaList(raw).map(Number);
  if (values.length === 0 || !values.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new CommanderArgumentError(`expected positive integers like 1,2,4,8, got '${raw}'`);
  }
  return values;
}
