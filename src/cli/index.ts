/**
 * The `ezcaptcha` command line: `detect`, `solve`, `balance`, `task`. All logic is in `runCli(argv, io)`, which
 * returns the exit code instead of exiting, so it runs in-process in tests; `bin.ts` is the executable wrapper.
 *
 * Exit codes (also in `ezcaptcha --help`): 0 ok, 1 captcha not solved / API error / page not loaded,
 * 2 bad arguments (missing key, bad URL, unknown task type), 3 API unreachable, 4 no browser.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { KNOWN_TASK_TYPES, VERSION } from '../api/index.js';
import { BROWSER_NAMES, DRIVER_NAMES } from './browser.js';
import {
  type ApiOptions,
  type BrowserOptions,
  balanceCommand,
  detectCommand,
  type SolveCommandOptions,
  solveCommand,
  type TaskCommandOptions,
  taskCommand,
} from './commands.js';
import { describeFailure, EXIT, EXIT_CODES_HELP, type ExitCode } from './errors.js';
import { type CliIO, Output } from './output.js';

export { EXIT, type ExitCode } from './errors.js';
export type { CliIO, CliWritable } from './output.js';

function milliseconds(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be a whole number of milliseconds, e.g. 5000.`);
    }
    return n;
  };
}

function positiveMilliseconds(name: string) {
  const parse = milliseconds(name);
  return (value: string): number => {
    const n = parse(value);
    if (n === 0) throw new InvalidArgumentError(`${name} must be greater than 0.`);
    return n;
  };
}

function retries(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 100)
    throw new InvalidArgumentError('--retries must be a whole number from 0 to 100.');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Every --client-key value in argv, so output can be scrubbed even before parsing finishes. */
function keysInArgv(argv: readonly string[]): string[] {
  const keys: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--client-key' && argv[i + 1] !== undefined) keys.push(argv[i + 1] as string);
    else if (arg.startsWith('--client-key=')) keys.push(arg.slice('--client-key='.length));
  });
  return keys;
}

function addApiOptions(command: Command): Command {
  return command
    .option(
      '--client-key <key>',
      'EzCaptcha client key (default: $EZCAPTCHA_CLIENT_KEY, which keeps it out of shell history)',
    )
    .option('--api-url <url>', 'EzCaptcha API base URL (default: $EZCAPTCHA_API_URL or https://api.ez-captcha.com)')
    .option(
      '--request-timeout <ms>',
      'timeout of one HTTP request to the API (default 30000)',
      positiveMilliseconds('--request-timeout'),
    );
}

function addRetriesOption(command: Command): Command {
  return command.option('--retries <n>', 'retries of a request after a transient API fault (default 4)', retries);
}

function addBrowserOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--driver <driver>',
        'automation library (default: playwright; puppeteer with --browser firefox)',
      ).choices(DRIVER_NAMES),
    )
    .addOption(
      new Option('--browser <browser>', 'browser to open: chromium, or firefox (puppeteer over WebDriver BiDi)')
        .choices(BROWSER_NAMES)
        .default('chromium'),
    )
    .option(
      '--firefox-pref <name=value>',
      'Firefox profile preference, repeatable; numbers and true/false are typed, e.g. --firefox-pref network.proxy.type=1',
      collect,
      [] as string[],
    )
    .option('--accept-insecure-certs', 'Firefox: accept invalid and self-signed certificates')
    .option(
      '--wait <ms>',
      'how long to wait for a captcha to appear after the page loaded',
      milliseconds('--wait'),
      2000,
    )
    .option('--high-score', 'choose the high-score (S9) task types where they exist')
    .option('--headful', 'show the browser window')
    .option('--navigation-timeout <ms>', 'page load timeout', positiveMilliseconds('--navigation-timeout'), 30_000)
    .option(
      '--browser-arg <flag>',
      'extra browser flag, repeatable; use the = form for flags, e.g. --browser-arg=--proxy-server=host:3128',
      collect,
      [] as string[],
    );
}

function buildProgram(io: CliIO, out: Output, setExit: (code: ExitCode) => void): Command {
  const program = new Command('ezcaptcha')
    .description('Find and solve reCAPTCHA and Arkose FunCaptcha on web pages with the EzCaptcha API.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.out(text),
      writeErr: (text) => out.err(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  addBrowserOptions(
    program
      .command('detect')
      .description('open <url> in Chromium and print the captchas found in every frame (or why none were found)')
      .argument('<url>', 'page to open, e.g. https://example.com/login')
      .option('--json', 'print JSON instead of a table'),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (url: string, options: BrowserOptions) => {
      setExit(await detectCommand(url, options, out));
    });

  addRetriesOption(
    addApiOptions(
      addBrowserOptions(
        program
          .command('solve')
          .description('open <url>, detect and solve every captcha, and print one line per captcha')
          .argument('<url>', 'page to open, e.g. https://example.com/login')
          .option(
            '--submit [selector]',
            "then submit the form that holds the captcha (or click <selector>); skipped where the page's callback ran",
          )
          .option('--json', 'print JSON instead of a table')
          .option('--timeout <ms>', 'overall deadline of the solve (default 180000)', positiveMilliseconds('--timeout'))
          .option(
            '--poll-interval <ms>',
            'getTaskResult poll interval (default 3000, FunCaptcha 1000)',
            positiveMilliseconds('--poll-interval'),
          ),
      ),
    ),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (url: string, options: SolveCommandOptions) => {
      setExit(await solveCommand(url, options, io.env, out));
    });

  addRetriesOption(
    addApiOptions(
      program
        .command('balance')
        .description('print the account balance in points and USD (10000 points = 1 USD)')
        .option('--json', 'print JSON'),
    ),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: ApiOptions & { json?: boolean }) => {
      setExit(await balanceCommand(options, io.env, out));
    });

  addRetriesOption(
    addApiOptions(
      program
        .command('task')
        .description('create one task, wait for it, and print its taskId and token')
        .argument('<type>', 'task type, e.g. ReCaptchaV2TaskProxyless (any casing)')
        .requiredOption('--website-url <url>', 'URL of the page (frame) that renders the captcha')
        .requiredOption('--website-key <key>', 'reCAPTCHA, hCaptcha or Turnstile sitekey, or Arkose public key')
        .option('--page-action <action>', "v3 / Enterprise action, or the Turnstile widget's action, e.g. login")
        .option('--cdata <cData>', "the Turnstile widget's cData (data-cdata / render param cData)")
        .option('--rqdata <rqdata>', 'hCaptcha Enterprise rqdata the page set')
        .option('--s <s>', 'the data-s value (V2S types, e.g. Google /sorry/ pages)')
        .option('--invisible', 'the widget is invisible (reCAPTCHA v2, hCaptcha)')
        .option('--data <json>', 'FunCaptcha data blob as a JSON string, e.g. \'{"blob":"..."}\'')
        .option(
          '--subdomain <url>',
          'FunCaptcha API host (funcaptchaApiJSSubdomain): the origin the page loads its api.js from',
        )
        .option('--json', 'print JSON')
        .option('--timeout <ms>', 'overall deadline (default 120000)', positiveMilliseconds('--timeout'))
        .option(
          '--poll-interval <ms>',
          'getTaskResult poll interval (default 3000, FunCaptcha 1000)',
          positiveMilliseconds('--poll-interval'),
        ),
    ),
  )
    .addHelpText(
      'after',
      `\nTask types:\n${KNOWN_TASK_TYPES.map((type) => `  ${type}`).join('\n')}\n${EXIT_CODES_HELP}`,
    )
    .action(async (type: string, options: TaskCommandOptions) => {
      setExit(await taskCommand(type, options, io.env, out));
    });

  return program;
}

/**
 * Run the CLI with `argv` (the arguments after the executable, e.g. `['balance', '--json']`) and return the exit
 * code. Never calls process.exit and never writes the client key.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const secrets = [...keysInArgv(argv), io.env.EZCAPTCHA_CLIENT_KEY ?? ''].filter((key) => key !== '');
  const out = new Output(io, () => secrets);
  let exitCode: ExitCode = EXIT.OK;
  const program = buildProgram(io, out, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander already printed its own message for the rest.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      if (error.code === 'commander.executeSubCommandAsync') return EXIT.FAILED;
      return EXIT.USAGE;
    }
    const { exitCode: code, message } = describeFailure(error);
    out.note(`ezcaptcha: ${message}`);
    return code;
  }
}
