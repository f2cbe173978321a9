import type { MemoryFigure, Row, SoakFigure, UpstreamFigure } from '../results.js';
import type { ScenarioContext } from './context.js';

export interface ScenarioOutput {
  rows?: Row[];
  upstream?: UpstreamFigure[];
  memory?: MemoryFigure[];
  soak?: SoakFigure;
  /** Anything that went wrong; a non-empty list fails the run. */
  problems?: string[];
}

export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioOutput>;
