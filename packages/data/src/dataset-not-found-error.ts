import { MetricOptError } from '@metricopt/core';

/** A dataset's files are not where they were looked for; the message says where it looked and how to get them. */
export class DatasetNotFoundError extends MetricOptError {
  override name = 'DatasetNotFoundError';
  constructor(readonly dataset: string, readonly dir: string, message: string) {
    super(message);
  }
}
