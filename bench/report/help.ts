/** The help texts of `silt bench`, `silt bench compare` and `silt bench report` (bench/cli.ts). */

export const BENCH_HELP = `silt bench — benchmark Silt or any DynamoDB-compatible endpoint

Usage:
  silt bench [options]                 run; with no options, the default suite (~1 minute, embedded)
  silt bench compare a.json b.json     per-operation deltas from run a to run b (silt bench compare --help)
  silt bench report result.json        print a saved result; --html/--png to re-render it

Target:
  --target <kind>          embedded (default: a Silt Database in this process, fed by worker threads),
                           embedded-single (no threads: per-operation latency), http, kv, null
  --endpoint-url <url>     an http:// or https:// DynamoDB endpoint (implies --target http): silt serve,
                           DynamoDB Local, dynalite, ScyllaDB Alternator, DynamoDB itself
                           (https://dynamodb.<region>.amazonaws.com). The endpoint's table silt_bench
                           is dropped, created on demand (PAY_PER_REQUEST) and loaded first
  --region <name>          SigV4 region (default: the one an AWS endpoint names, else $AWS_REGION or
                           $AWS_DEFAULT_REGION, else us-east-1)
  --access-key <id>        SigV4 credentials (default $AWS_ACCESS_KEY_ID / $AWS_SECRET_ACCESS_KEY /
  --secret-key <secret>    $AWS_SESSION_TOKEN when both keys are set, else silt / silt); secrets are
  --session-token <token>  never written to the result files
  --in-memory              embedded: keep the database in memory (default: on disk in a temp dir)
  --sync <none|always>     embedded: WAL sync (default none; durable-write always syncs)
  --capacity <mode>        embedded: unlimited (default: the engine's own speed) or modelled
                           (DynamoDB's on-demand capacity model: throttles counted apart)

Workload:
  --workload <name>        ycsb-a … ycsb-f (or a … f), hot-key, durable-write, query-heavy, large-item
  --records <n>            records loaded before measuring (untimed; consecutive phases on the same
                           data share one load, as YCSB runs A, B, C after one load)
  --fields <n>             attributes per item (default 10)
  --field-bytes <n>        bytes per attribute (default 100)
  --distribution <name>    zipfian (0.99), latest, uniform, hot-key
  --hot-key-share <share>  hot-key: share of requests on the hot key (0.5 or 50%)
  --config <file.json>     phases from a file: one object, an array, or { "phases": [...] };
                           flags given too are laid over every phase

Load:
  --rate <n>               open loop at n requests/s; latency from each request's intended start
                           (coordinated omission corrected, as wrk2)
  --concurrency <n>        closed loop with n requests in flight (default 64)
  --workers <n>            generator threads
  --duration <time>        measured time per phase (10s, 500ms, 2m; default 10s)
  --warmup <time>          untimed warm-up before it (default 2s)
  --interval <time>        timeline resolution (default 1s)
  --seed <n>               seed of keys and operation mix
  --name <text>            the phase's name in the report
  --no-self-check          skip measuring the generator against a null target first (the default suite
                           measures both the embedded channel and HTTP; a run from flags, its own)

Output:
  --format <table|json>    stdout: the table (default) or the result JSON; progress goes to stderr, on a TTY only
  --out <dir>              where the report files go (default data/bench/<start time>.json and .html)
  --json <path>            the result JSON here instead
  --html <path>            the HTML report here instead
  --no-html                no HTML report
  --png <path>             also a PNG summary (table and charts of the first phase)
  --threshold <rule>       fail (exit 1) unless the rule holds; repeatable. Rules:
                             p99<5ms  p99.9<20ms  max<100ms  ops>10000  errors=0  throttles<1%
                             scoped: GetItem:p99<2ms  ycsb-a/GetItem:p99<2ms  ycsb-a/*:p99<5ms
  -h, --help               this help

Exit codes: 0 done (and every threshold held), 1 a threshold failed or the run failed, 2 usage error.

Examples:
  silt bench                                              # the default suite, report in data/bench/
  silt bench --workload ycsb-b --records 1M --duration 30s
  silt bench --workload ycsb-a --rate 20k --workers 2    # open loop at 20,000 requests/s
  silt bench --target embedded-single --workload ycsb-c --duration 5s
  silt bench --endpoint-url http://127.0.0.1:8000 --workload ycsb-a            # silt serve, DynamoDB Local
  silt bench --endpoint-url https://dynamodb.eu-west-1.amazonaws.com --workload ycsb-b --rate 500 --records 10k
                                                          # DynamoDB itself, keys from $AWS_ACCESS_KEY_ID…
  silt bench --workload hot-key --capacity modelled       # throttling as DynamoDB would
  silt bench --config suite.json --threshold 'p99<5ms' --threshold 'errors=0'   # CI
  silt bench compare data/bench/before.json data/bench/after.json
`;

export const COMPARE_HELP = `silt bench compare — what changed from run a to run b

Usage:
  silt bench compare a.json b.json [options]

Per phase and operation (matched by name): ops/s and p50/p90/p99/p99.9/max, absolute and in percent,
marked ▼ regression / ▲ better when the change passes the tolerance (max is never marked: one sample).

Options:
  --tolerance <pct>        changes smaller than this are noise (default 5%)
  --threshold <rule>       judge run b against a rule (see silt bench --help); exit 1 when one fails
  --fail-on-regression     exit 1 when anything is marked as a regression
  --format <table|json>    stdout format (default table)
  -h, --help               this help

Example:
  silt bench compare main.json branch.json --tolerance 10% --threshold 'p99<5ms'
`;

export const REPORT_HELP = `silt bench report — print or re-render a saved result

Usage:
  silt bench report result.json [options]

Options:
  --html <path>            write the HTML report
  --png <path>             write the PNG summary (table and the charts of one phase)
  --phase <name>           the phase the PNG charts (default the first)
  --threshold <rule>       judge the result (see silt bench --help); exit 1 when one fails
  --format <table|json>    stdout format (default table)
  -h, --help               this help

Example:
  silt bench report data/bench/2025-03-01T12-00-00Z.json --png docs/bench-report.png
`;
