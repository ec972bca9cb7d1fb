import { SamplingDecision, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import { ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { isTraceRoot } from './trace-root';

class RootFilterSampler implements Sampler {
  private readonly ratio: Sampler;

  constructor(ratio: number) {
    this.ratio = new TraceIdRatioBasedSampler(ratio);
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (!isTraceRoot(spanKind, attributes)) return { decision: SamplingDecision.NOT_RECORD };
    return this.ratio.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return 'SwitchyardRootFilter';
  }
}

/** Continued traces follow their parent's decision; new ones must be a trace root (isTraceRoot) and within the ratio. */
export function rootSampler(ratio: number): Sampler {
  return new ParentBasedSampler({ root: new RootFilterSampler(ratio) });
}
