/**
 * Real issues on real npm packages, written as users file them (prose,
 * identifiers, stack traces, GitHub links), each with the files its fix
 * touches. The packages are fetched with `npm pack` at bench time; their
 * built bundles (dist/) are removed because the repository does not hold them.
 */
export interface RealIssue {
  package: string;
  text: string;
  fixedFiles: string[];
}

export const REAL_PACKAGES = [
  'express@4.22.3',
  'koa@2.16.4',
  'commander@11.1.0',
  'axios@1.21.1',
  'body-parser@1.20.9',
  'qs@6.17.1',
  'ws@8.23.0',
  'fastify@4.28.1',
  'eslint@8.57.0',
  'webpack@5.94.0',
];

export const REAL_ISSUES: RealIssue[] = [
  {
    package: 'express@4.22.3',
    text: 'res.send() overrides the Content-Type I set before when the body is a Buffer. I call res.set("Content-Type", "image/png") and then res.send(buf) and the client gets application/octet-stream. Is this expected?',
    fixedFiles: ['lib/response.js'],
  },
  {
    package: 'express@4.22.3',
    text: 'req.hostname returns the wrong value behind a proxy when X-Forwarded-Host contains an IPv6 address like [::1]:3000. trust proxy is enabled. The port is cut in the middle of the address.',
    fixedFiles: ['lib/request.js'],
  },
  {
    package: 'express@4.22.3',
    text: 'TypeError: path must be absolute or specify root to res.sendFile\n    at ServerResponse.sendFile (/home/dev/shop/node_modules/express/lib/response.js:441:11)\n    at /home/dev/shop/server.js:22:7\n    at Layer.handle [as handle_request] (/home/dev/shop/node_modules/express/lib/router/layer.js:95:5)\n\nThe path is relative on purpose, I pass { root: __dirname } as the second argument but with a callback as the third it still throws.',
    fixedFiles: ['lib/response.js'],
  },
  {
    package: 'express@4.22.3',
    text: "A request to /users/%E0%A4%A crashes with URIError instead of a 400:\n\nURIError: Failed to decode param '%E0%A4%A'\n    at decode_param (/srv/api/node_modules/express/lib/router/layer.js:172:12)\n    at Layer.match (/srv/api/node_modules/express/lib/router/layer.js:148:15)\n\nShouldn't the error have status 400 so the default handler does not return 500?",
    fixedFiles: ['lib/router/layer.js'],
  },
  {
    package: 'express@4.22.3',
    text: 'app.param callback is called twice for the same value when two routes match the same request. The docs say param callbacks are called only once in a request-response cycle. See https://github.com/expressjs/express/blob/4.x/lib/router/index.js#L330',
    fixedFiles: ['lib/router/index.js'],
  },
  {
    package: 'express@4.22.3',
    text: 'When I set app.set("views", [dirA, dirB]) the view lookup does not find a template that only exists in the second directory if the first one has a folder of the same name with an index file. Failed to lookup view "users" in views directories.',
    fixedFiles: ['lib/view.js'],
  },
  {
    package: 'express@4.22.3',
    text: 'Setting app.set("query parser", "simple") still parses nested objects like a[b]=1 with qs, looks like the query parser setting is compiled wrong.',
    fixedFiles: ['lib/utils.js', 'lib/middleware/query.js'],
  },
  {
    package: 'koa@2.16.4',
    text: "ctx.redirect('back') is an open redirect: it uses the Referrer header as-is, so an attacker can send users to any site. It should only go back to the same origin and otherwise use the fallback url.",
    fixedFiles: ['lib/response.js'],
  },
  {
    package: 'koa@2.16.4',
    text: 'ctx.request.ips ignores app.maxIpsCount when the X-Forwarded-For header has spaces after the commas; we get all the addresses instead of the last N. proxy is true.',
    fixedFiles: ['lib/request.js'],
  },
  {
    package: 'koa@2.16.4',
    text: 'Errors with err.expose = true and status 4xx are still printed to stderr by the default error handler. I thought app.onerror was silent for client errors? Using app.silent = false.',
    fixedFiles: ['lib/application.js'],
  },
  {
    package: 'commander@11.1.0',
    text: 'The "did you mean" suggestion for an unknown option suggests a hidden option. `program.addOption(new Option("--secret").hideHelp())` then `prog --secre` prints (Did you mean --secret?). Hidden options should not be suggested.',
    fixedFiles: ['lib/command.js'],
  },
  {
    package: 'commander@11.1.0',
    text: 'Help text wrapping breaks descriptions that contain manual line breaks: with a long option description containing \\n the second line is not indented to the description column. Looks like Help.wrap only handles one paragraph.',
    fixedFiles: ['lib/help.js'],
  },
  {
    package: 'commander@11.1.0',
    text: 'Option .env("PORT") with .argParser(parseInt): the value from the environment variable is passed through the custom parser but the default value is not, and for a variadic option the env value is not split. How are env values applied?',
    fixedFiles: ['lib/command.js', 'lib/option.js'],
  },
  {
    package: 'axios@1.21.1',
    text: "axios.create({ baseURL: 'https://api.example.com/v1/' }) and get('/users') requests https://api.example.com/v1//users with a double slash, combining the base URL and relative URL should strip the slashes.",
    fixedFiles: ['lib/helpers/combineURLs.js'],
  },
  {
    package: 'axios@1.21.1',
    text: 'paramsSerializer: { indexes: null } is ignored for nested arrays; params { ids: [1, 2] } are serialized as ids[]=1&ids[]=2 instead of ids=1&ids=2. buildURL seems to call the default encoder anyway.',
    fixedFiles: ['lib/helpers/buildURL.js', 'lib/helpers/toFormData.js'],
  },
  {
    package: 'axios@1.21.1',
    text: 'AxiosHeaders.set(headers, false) still overwrites existing headers when headers is a plain object. The rewrite flag only seems to work for a single header name. Example: new AxiosHeaders({ "x-a": "1" }).set({ "x-a": "2" }, false).',
    fixedFiles: ['lib/core/AxiosHeaders.js'],
  },
  {
    package: 'axios@1.21.1',
    text: 'maxRedirects: 0 is ignored by the node http adapter when a proxy is configured, the request follows the 302 anyway.\n\nAxiosError: Request failed with status code 302\n    at settle (file:///app/node_modules/axios/lib/core/settle.js:19:12)\n    at IncomingMessage.handleStreamEnd (file:///app/node_modules/axios/lib/adapters/http.js:599:11)',
    fixedFiles: ['lib/adapters/http.js'],
  },
  {
    package: 'body-parser@1.20.9',
    text: 'bodyParser.json() in strict mode reports a confusing SyntaxError "Unexpected token n in JSON at position 0" for the body `null`; the error should say the body must be an object or array.',
    fixedFiles: ['lib/types/json.js'],
  },
  {
    package: 'body-parser@1.20.9',
    text: 'urlencoded({ extended: true, parameterLimit: 10 }) returns 413 "too many parameters" for a body with exactly 10 parameters. Off by one in the parameter count?',
    fixedFiles: ['lib/types/urlencoded.js'],
  },
  {
    package: 'qs@6.17.1',
    text: 'qs.parse("a[21]=b") with the default arrayLimit of 20 gives { a: { "21": "b" } } as expected, but with comma: true and 25 values it throws RangeError: Array limit exceeded. Only 20 elements allowed in an array. Should throw only when throwOnLimitExceeded is set.',
    fixedFiles: ['lib/parse.js'],
  },
  {
    package: 'qs@6.17.1',
    text: "stringify with arrayFormat: 'comma' and encodeValuesOnly: true encodes the commas between values as %2C, so the server can't split them. qs.stringify({ a: ['x', 'y'] }, { arrayFormat: 'comma', encodeValuesOnly: true })",
    fixedFiles: ['lib/stringify.js'],
  },
  {
    package: 'qs@6.17.1',
    text: 'utils.merge copies __proto__ keys when allowPrototypes is false and the source is a plain object, possible prototype pollution via qs.parse("__proto__[x]=1&a[__proto__][y]=2")',
    fixedFiles: ['lib/utils.js'],
  },
  {
    package: 'ws@8.23.0',
    text: 'Server crashes on a frame from a misbehaving client:\n\nRangeError: Invalid WebSocket frame: invalid opcode 0\n    at Receiver.getInfo (/opt/app/node_modules/ws/lib/receiver.js:265:16)\n    at Receiver.startLoop (/opt/app/node_modules/ws/lib/receiver.js:178:16)\n\nThe error event is emitted but the close code is 1002, should it not be 1008?',
    fixedFiles: ['lib/receiver.js'],
  },
  {
    package: 'ws@8.23.0',
    text: 'Memory keeps growing with permessage-deflate enabled when many clients disconnect mid-message; the zlib inflate stream is not cleaned up. perMessageDeflate: { zlibInflateOptions: { chunkSize: 1024 } }',
    fixedFiles: ['lib/permessage-deflate.js'],
  },
  {
    package: 'ws@8.23.0',
    text: 'WebSocketServer.handleUpgrade answers 400 "Missing or invalid Sec-WebSocket-Key header" for a valid key sent in lowercase base64 by an old client. See https://github.com/websockets/ws/blob/8.18.0/lib/websocket-server.js#L267',
    fixedFiles: ['lib/websocket-server.js'],
  },
  {
    package: 'fastify@4.28.1',
    text: 'Calling reply.send() twice only logs a warning "Reply was already sent" (FST_ERR_REP_ALREADY_SENT) and the second payload is silently dropped. In v3 this threw. Is the warning intended?',
    fixedFiles: ['lib/reply.js'],
  },
  {
    package: 'fastify@4.28.1',
    text: "reply.header('set-cookie', a) followed by reply.header('set-cookie', b) keeps only the last cookie, the first is overwritten. Multiple Set-Cookie headers should be appended as an array.",
    fixedFiles: ['lib/reply.js'],
  },
  {
    package: 'fastify@4.28.1',
    text: "A DELETE request with Content-Type: application/json and an empty body fails with FST_ERR_CTP_EMPTY_JSON_BODY: Body cannot be empty when content-type is set to 'application/json'. Clients like fetch send the header without a body; could the default JSON parser accept an empty body for DELETE?",
    fixedFiles: ['lib/contentTypeParser.js'],
  },
  {
    package: 'fastify@4.28.1',
    text: 'With exposeHeadRoutes: true (the default), registering my own HEAD route for the same path after the GET fails with FST_ERR_DUPLICATED_ROUTE: Method HEAD already declared for route /files. The automatically created head route should be replaced by mine.',
    fixedFiles: ['lib/route.js', 'lib/headRoute.js'],
  },
  {
    package: 'fastify@4.28.1',
    text: 'An async onRequest hook that also calls done() runs the next hook twice and the handler twice. Mixing async and callback style should be detected when the hook is added, like it is for other hooks.',
    fixedFiles: ['lib/hooks.js'],
  },
  {
    package: 'eslint@8.57.0',
    text: 'no-unused-vars reports a false positive for a variable that is only used as the default value in a destructuring assignment: `let fallback = 1; const { a = fallback } = obj;` reports "fallback is assigned a value but never used".',
    fixedFiles: ['lib/rules/no-unused-vars.js'],
  },
  {
    package: 'eslint@8.57.0',
    text: 'ESLint crashes on a file with a class static block:\n\nTypeError: Cannot read properties of undefined (reading \'range\')\nOccurred while linting /home/maria/proj/src/store.js:14\nRule: "indent"\n    at OffsetStorage.setDesiredOffsets (/home/maria/proj/node_modules/eslint/lib/rules/indent.js:340:33)\n    at /home/maria/proj/node_modules/eslint/lib/rules/indent.js:1125:29',
    fixedFiles: ['lib/rules/indent.js'],
  },
  {
    package: 'eslint@8.57.0',
    text: 'prefer-const autofix produces invalid code when a destructuring declaration mixes a variable that is reassigned later and one that is never reassigned, with destructuring: "all" it should not report at all.',
    fixedFiles: ['lib/rules/prefer-const.js'],
  },
  {
    package: 'eslint@8.57.0',
    text: '`// eslint-disable-next-line no-console -- reason` stops working when the rule list has a trailing comma: `// eslint-disable-next-line no-console, -- reason`. The directive comment is parsed as disabling a rule named "".',
    fixedFiles: ['lib/linter/linter.js'],
  },
  {
    package: 'eslint@8.57.0',
    text: 'context.sourceCode.getScope(node) returns the enclosing function scope instead of the class static block scope when node is inside a StaticBlock, so my plugin rule reports wrong variables.',
    fixedFiles: ['lib/source-code/source-code.js'],
  },
  {
    package: 'webpack@5.94.0',
    text: 'output.chunkFilename: "[name].[contenthash:8].js" gives the same hash for chunks created by import() after only the css changed. Looks like the [contenthash] placeholder is replaced from the wrong content hash type in TemplatedPathPlugin.',
    fixedFiles: ['lib/TemplatedPathPlugin.js'],
  },
  {
    package: 'webpack@5.94.0',
    text: 'DefinePlugin does not replace process?.env?.NODE_ENV (optional chaining) while process.env.NODE_ENV works. new webpack.DefinePlugin({ "process.env.NODE_ENV": JSON.stringify("production") })',
    fixedFiles: ['lib/DefinePlugin.js'],
  },
  {
    package: 'webpack@5.94.0',
    text: "new webpack.ProgressPlugin({ percentBy: 'entries' }) reports 100% long before the build finishes when there are many entries, then stays at 100% while modules are still being built.",
    fixedFiles: ['lib/ProgressPlugin.js'],
  },
  {
    package: 'webpack@5.94.0',
    text: 'In watch mode, a file saved while a compilation is running is not picked up: the change is lost and no new compilation starts until the next save. See https://github.com/webpack/webpack/blob/v5.94.0/lib/Watching.js#L350 where invalidate is ignored during the run.',
    fixedFiles: ['lib/Watching.js'],
  },
];
