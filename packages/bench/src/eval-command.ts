import { Command, InvalidArgumentError as CommanderArgumentError } from 'commander';
import { runEvalDetection } from '@metricopt/detection';
import { RETRIEVAL_DISTANCES, runEvalRetrieval, type RetrievalDistance } from '@metricopt/retrieval';
import { intList, positiveInt } from './cli-parsers.js';
import type { CliIo } from './program.js';

/** `metricopt eval detection|retrieval`: score saved predictions with the project's exact metrics. */
export function addEvalCommand(program: Command, io: CliIo): void {
  const evaluate = program.command('eval').description('score saved predictions: COCO detection results or retrieval embeddings');
  evaluate
    .command('detection')
    .description('COCO bbox evaluation (pycocotools-exact) of a results list against ground truth')
    .requiredOption('--gt <file>', 'COCO ground-truth JSON')
    .requiredOption('--dt <file>', 'COCO results JSON (a list of {image_id, category_id, bbox, score})')
    .option('--json', 'print {"stats":[12 numbers],"perCategory":{"<id>":ap}}')
    .action(async (opts: { gt: string; dt: string; json?: boolean }) => {
      io.stdout.write(`${await runEvalDetection({ gt: opts.gt, dt: opts.dt, json: opts.json === true })}\n`);
    });
  evaluate
    .command('retrieval')
    .description('Recall@k, MAP@R and R-precision of embeddings (raw float32 LE) and labels (raw int32 LE)')
    .requiredOption('--embeddings <file>', 'raw little-endian float32, row-major')
    .requiredOption('--labels <file>', 'raw little-endian int32, one per row')
    .requiredOption('--dim <d>', 'embedding dimension', positiveInt)
    .option('--query-count <q>', 'the first Q rows query the rest (default: every row queries the others)', positiveInt)
    .option('--k <list>', 'comma-separated k values', intList, [1, 2, 4, 8])
    .option('--metric <name>', `similarity: ${RETRIEVAL_DISTANCES.join(' | ')}`, 'cosine')
    .option('--json', 'print one JSON object')
    .action(async (opts: { embeddings: string; labels: string; dim: number; queryCount?: number; k: number[]; metric: string; json?: boolean }) => {
      if (!(RETRIEVAL_DISTANCES as readonly string[]).includes(opts.metric)) {
        throw new CommanderArgumentError(`--metric must be one of ${RETRIEVAL_DISTANCES.join(', ')}, got '${opts.metric}'`);
      }
      const text = await runEvalRetrieval({
        embeddings: opts.embeddings,
        labels: opts.labels,
        dim: opts.dim,
        k: opts.k,
        metric: opts.metric as RetrievalDistance,
        json: opts.json === true,
        ...(opts.queryCount !== undefined ? { queryCount: opts.queryCount } : {}),
      });
      io.stdout.write(`${text}\n`);
    });
}
