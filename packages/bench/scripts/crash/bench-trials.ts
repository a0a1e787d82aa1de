export interface BenchTrialSettings { trials: number; seed: number; pauseMs: number }
export interface BenchTrialSummary { command: string; trials: number; kills: number; killsDuringWrites: number; runFilesClean: number; runFilesCorrupt: number; resumedOk: number; identical: number }
export async function benchTrials(_s: BenchTrialSettings, _log: (l: string) => void): Promise<BenchTrialSummary> {
  throw new Error('todo');
}
