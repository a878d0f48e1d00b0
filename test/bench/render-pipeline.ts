import type { ProfileSummary } from './cpu-profile.ts';
import type { PipelineResult, ThroughputRun } from './pipeline-bench.ts';
import { count, mebibytes, ms, rate, ratio, spread, table } from './render-format.ts';

/** Renders the end-to-end, fan-out and RSS sections of the report. */
export function renderPipeline(pipeline: PipelineResult | undefined): string {
  if (pipeline === undefined) {
    return '';
  }

  return [
    renderThroughput(pipeline),
    renderTimeSpent(pipeline),
    renderStoreProbe(pipeline),
    ...pipeline.profiles.map(renderProfile),
    renderFanOut(pipeline),
    renderRss(pipeline),
  ]
    .filter((section) => section !== '')
    .join('\n\n');
}

function runRow(label: string, run: ThroughputRun): string[] {
  return [
    label,
    count(run.events),
    count(run.completed),
    ms(run.publishMs),
    ms(run.durationMs),
    rate(run.eventsPerSecond),
  ];
}

function renderThroughput(pipeline: PipelineResult): string {
  const { strata, relay } = pipeline;
  const rows = [
    runRow('Strata: ingestion worker → ancestry worker', strata),
    ...relay.runs.map((run, position) => runRow(`bare kafkajs relay, run ${position + 1}`, run)),
  ];
  const incomplete =
    strata.completed < strata.events
      ? `\n\n**The Strata run was cut off** after ${ms(strata.durationMs)} with ${count(strata.completed)} of ${count(strata.events)} results. Its rate is over the results that arrived.`
      : '';

  return [
    '## End-to-end throughput',
    'From the first publish of `image.analyzed` to the arrival of the last expected result: the ' +
      'first `image.ancestry` of every image for Strata, every relayed record for the relay.',
    table(
      ['pipeline', 'events', 'completed', 'publish time', 'time to last result', 'events/s'],
      rows,
    ) + incomplete,
    `Strata: ${rate(strata.eventsPerSecond)} events/s; results per second in each tenth of the run: ${spread(strata.windowRates, rate)}. ` +
      `Relay: ${spread(relay.eventsPerSecond, rate)} events/s. Strata reaches ${ratio(pipeline.relayRatio)} the relay's median.`,
  ].join('\n\n');
}

function renderTimeSpent(pipeline: PipelineResult): string {
  const cpu = Object.entries(pipeline.strata.cpuSeconds).map(([name, seconds]) => [
    name,
    `${seconds.toFixed(1)} s`,
    `${((seconds / (pipeline.strata.durationMs / 1000)) * 100).toFixed(0)} %`,
  ]);
  const handlers = pipeline.strata.handlerTimes.map((time) => [
    time.process,
    time.topic,
    count(time.count),
    ms(time.meanMs),
  ]);

  return [
    '### Where the time goes',
    'CPU time of each process during the Strata run, read from /proc. Kafka, Redis and S3 are ' +
      'the shared local servers, so their figures include other work on the machine. The ' +
      "MongoDB-wire server is the run's own when its name says so.",
    table(['process', 'CPU time', 'of one core'], cpu),
    "Time per record in the workers' handlers, from `strata_event_processing_seconds`:",
    table(['process', 'topic', 'records', 'mean'], handlers),
  ].join('\n\n');
}

function renderProfile(profile: ProfileSummary): string {
  const rows = (entries: ProfileSummary['byModule']) =>
    entries.map((entry) => [entry.name, ms(entry.ms), `${entry.percent.toFixed(1)} %`]);

  return [
    `### CPU profile of the ${profile.process}`,
    `\`node --cpu-prof\` over ${ms(profile.profiledMs)}; idle (waiting for Kafka, MongoDB, Redis or S3): ${profile.idlePercent.toFixed(1)} %.`,
    table(['module', 'self time', 'share'], rows(profile.byModule)),
    table(['function', 'self time', 'share'], rows(profile.byFunction)),
  ].join('\n\n');
}

function renderFanOut(pipeline: PipelineResult): string {
  const { fanOut } = pipeline;
  const cutOff =
    fanOut.completed === fanOut.images
      ? ''
      : ` Only ${count(fanOut.completed)} of them had it when the run was cut off.`;

  return [
    '## Fan-out of a late base',
    `${count(fanOut.images)} images built on one base were stored through the adapters ` +
      `(${ms(fanOut.storeMs)}), without the base. Then the base was published: ` +
      `${ms(fanOut.durationMs)} passed until every one of them had a new \`image.ancestry\` ` +
      `listing the base (one repetition).${cutOff}`,
  ].join('\n\n');
}

function renderStoreProbe(pipeline: PipelineResult): string {
  const probe = pipeline.storeProbe;
  if (probe === null) {
    return '';
  }

  const pushdown = (value: boolean | null) => (value === null ? 'not reported' : String(value));
  const rows = probe.operations.map((operation) => [
    `\`${operation.name}\``,
    count(operation.latency.n),
    ms(operation.latency.p50Ms),
    ms(operation.latency.p99Ms),
    pushdown(operation.filterPushdown),
  ]);

  return [
    `### Image store operations at ${count(probe.storedImages)} stored images`,
    'Timed after the Strata run on its database, one call after the other. `filterPushdown` ' +
      "is FerretDB's own `explain` verdict: false means it read every document of the " +
      'collection and filtered them itself.',
    table(['operation', 'n', 'p50', 'p99', 'filterPushdown'], rows),
  ].join('\n\n');
}

function renderRss(pipeline: PipelineResult): string {
  const rows = pipeline.rss.map((figures) => [
    figures.process,
    count(figures.samples),
    mebibytes(figures.startBytes),
    mebibytes(figures.midBytes),
    mebibytes(figures.endBytes),
    mebibytes(figures.maxBytes),
    `${figures.secondHalfGrowthPercent.toFixed(1)} %`,
  ]);

  return [
    '## Worker memory under load',
    `RSS sampled from /proc during the Strata run of ${count(pipeline.strata.completed)} events.`,
    table(['process', 'samples', 'start', 'middle', 'end', 'max', 'middle → end'], rows),
  ].join('\n\n');
}
