// Three outputs:
//   dist/loader.js   IIFE, the only file a host page must load
//   dist/widget/     ES chunks the loader imports when the chat is needed
//   dist/esm/        npm entry (createConfab) for apps with their own bundler; .d.ts by tsc
// plus the operator console (console/dist/, served by the server at /operator/) and the
// designer (demo/designer/dist/). Neither is part of the npm package, which ships dist/ only.
import { readFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { minify as terserMinify } from 'terser';
import typescript from '@rollup/plugin-typescript';
import { fileURLToPath } from 'node:url';

/**
 * socket.io-client always builds engine.io's default transport map: polling, WebSocket and
 * WebTransport. The widget connects with `transports: ['websocket']`, and engine.io only
 * moves on to another transport with `tryAllTransports`, which Confab does not set, so the
 * widget build gets a map of WebSocket alone (polling and WebTransport: ~1.8 kB gzip), and
 * engine.io's upgrade probing, which only a polling connection does, goes too (below).
 */
const TRANSPORTS = /engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/;
const onlyWebSocket = () => ({
  name: 'confab-transports',
  load(id) {
    if (!TRANSPORTS.test(id)) return null;
    return `import { WS } from './websocket.js';
export const transports = { websocket: WS };`;
  },
});

/**
 * The widget's base stylesheet is written one rule a line, indented, for people; the
 * build drops those line breaks and indents (they are not needed between CSS tokens that
 * end in `{`, `}` or `;`, and become one space elsewhere).
 */
const BASE_CSS_FILE = /src[\\/]themes[\\/]base-css\.ts$/;
const compactBaseCss = () => ({
  name: 'confab-compact-base-css',
  transform(code, id) {
    if (!BASE_CSS_FILE.test(id)) return null;
    const start = code.indexOf('export const BASE_CSS = `');
    const end = code.indexOf('`;', start);
    if (start < 0 || end < 0) throw new Error('confab-compact-base-css: no BASE_CSS template in base-css.ts');
    const css = code
      .slice(start, end)
      .replace(/([{};])\n\s*/g, '$1')
      .replace(/`\n/, '`')
      .replace(/\n\s*/g, ' ');
    return { code: code.slice(0, start) + css + code.slice(end), map: null };
  },
});

/** Emits static files beside a bundle, so its output folder is all the server serves. */
const copy = (files) => ({
  name: 'confab-copy',
  generateBundle() {
    for (const file of files) {
      this.emitFile({ type: 'asset', fileName: file.split('/').pop(), source: readFileSync(file) });
    }
  },
});

/**
 * Parts of socket.io the widget does not need, replaced by smaller equivalents (~1.4 kB gzip):
 * - binary packets: Confab sends and receives JSON only, so socket.io-parser's binary
 *   support and engine.io-parser's base64 decoder go; a binary frame is refused like any
 *   malformed packet;
 * - engine.io-parser's packet encoder and decoder keep their text path only: with no
 *   binary data to send, nothing is a Blob or an ArrayBuffer, and a binary frame from the
 *   wire decodes as a parser error, which closes the connection as a malformed one does;
 * - parseuri, a long regular expression for browsers without `URL`; every browser the
 *   widget supports has it. The server URL is an http(s) origin (see validServer).
 */
const REPLACED = {
  'socket.io-parser/build/esm/is-binary.js':
    'export const isBinary = () => false; export const hasBinary = () => false;',
  'socket.io-parser/build/esm/binary.js':
    'export const deconstructPacket = (packet) => ({ packet, buffers: [] }); export const reconstructPacket = (packet) => packet;',
  'engine.io-parser/build/esm/contrib/base64-arraybuffer.js':
    'export const encode = () => { throw new Error("binary"); }; export const decode = () => { throw new Error("binary"); };',
  'engine.io-parser/build/esm/encodePacket.browser.js': `import { PACKET_TYPES } from "./commons.js";
export const encodePacket = ({ type, data }, supportsBinary, callback) => callback(PACKET_TYPES[type] + (data || ""));
export const encodePacketToBinary = () => { throw new Error("binary"); };`,
  // Never constructed (see onlyWebSocket); its module would still open an XMLHttpRequest
  // and add a pagehide listener as it loads, so rollup could not drop it.
  'engine.io-client/build/esm/transports/polling-xhr.js': 'export const XHR = undefined;',
  'engine.io-parser/build/esm/decodePacket.browser.js': `import { ERROR_PACKET, PACKET_TYPES_REVERSE } from "./commons.js";
export const decodePacket = (encoded) => {
  const type = typeof encoded === "string" && PACKET_TYPES_REVERSE[encoded.charAt(0)];
  if (!type) return ERROR_PACKET;
  return encoded.length > 1 ? { type, data: encoded.substring(1) } : { type };
};`,
  'engine.io-client/build/esm/contrib/parseuri.js': `export function parse(source) {
  const url = new URL(/^[a-z][a-z\\d+.-]*:\\/\\//i.test(source) ? source : "http://" + source);
  const host = url.hostname.replace(/^\\[|\\]$/g, "");
  return { source, protocol: url.protocol.slice(0, -1), host, port: url.port, path: url.pathname, query: url.search.slice(1),
    queryKey: Object.fromEntries(url.searchParams), ipv6uri: host.includes(":") };
}`,
};
const slimSocketIo = () => ({
  name: 'confab-slim-socket-io',
  load(id) {
    const path = id.replace(/\\/g, '/');
    const key = Object.keys(REPLACED).find((end) => path.endsWith(`node_modules/${end}`));
    return key ? REPLACED[key] : null;
  },
});

/**
 * Methods of socket.io-client's Socket class the widget never calls (~0.5 kB gzip): the
 * catch-all listeners (`onAny`, `onAnyOutgoing` and their kin), `send` and `compress`,
 * and the retry queue, which works only with the `retries` option Confab does not set
 * (it has its own outbox), and the `disconnected` getter. The two the class calls itself become empty methods. A method
 * missing from a new socket.io-client release fails the build here, not the widget.
 */
const UNUSED_SOCKET_METHODS = {
  'get disconnected': null,
  send: null,
  compress: null,
  onAny: null,
  prependAny: null,
  offAny: null,
  listenersAny: null,
  onAnyOutgoing: null,
  prependAnyOutgoing: null,
  offAnyOutgoing: null,
  listenersAnyOutgoing: null,
  _addToQueue: '_addToQueue() {}',
  _drainQueue: '_drainQueue() {}',
  notifyOutgoingListeners: 'notifyOutgoingListeners() {}',
};
/**
 * engine.io's `send`, an alias of `write`, which socket.io's Manager calls instead; the
 * upgrade from polling to WebSocket; the payload batching of polling requests.
 */
const UNUSED_ENGINE_METHODS = {
  send: null,
  _probe: '_probe() {}',
  _filterUpgrades: '_filterUpgrades() { return []; }',
  _getWritablePackets: '_getWritablePackets() { return this.writeBuffer; }',
};
/**
 * socket.io-parser's binary packets (see REPLACED): the encoder's binary path goes, and
 * the decoder takes text frames only; a binary event or a binary frame is a parse error,
 * which closes the connection as any malformed packet does.
 */
const UNUSED_PARSER_METHODS = {
  encodeAsBinary: null,
  add: `add(obj) {
        const packet = typeof obj === "string" && this.decodeString(obj);
        if (!packet || packet.type === PacketType.BINARY_EVENT || packet.type === PacketType.BINARY_ACK)
            throw new Error("Confab: text packets only");
        super.emitReserved("decoded", packet);
    }`,
  destroy: 'destroy() {}',
};
/** engine.io's close without the wait for an upgrade, which a WebSocket-only connection never makes. */
UNUSED_ENGINE_METHODS.close = `close() {
        const close = () => {
            this._onClose("forced close");
            this.transport.close();
        };
        if ("opening" === this.readyState || "open" === this.readyState) {
            this.readyState = "closing";
            if (this.writeBuffer.length) this.once("drain", close);
            else close();
        }
        return this;
    }`;
/**
 * The Manager's option setters, public API for changing reconnection after the fact that
 * only its constructor calls in the widget: the constructor sets the fields they set
 * (see EDITS); the Manager reads only `_reconnection`, `_reconnectionAttempts`, `_timeout`
 * and the backoff afterwards. Its `connect`, an alias of `open` (the Socket calls `open`),
 * and its `ping` event, which nothing in the widget listens to.
 */
const UNUSED_MANAGER_METHODS = {
  connect: null,
  onping: null,
  reconnection: null,
  reconnectionAttempts: null,
  reconnectionDelay: null,
  randomizationFactor: null,
  reconnectionDelayMax: null,
  timeout: null,
};
const SOCKET_CLASSES = [
  [/socket\.io-client[\\/]build[\\/]esm[\\/]manager\.js$/, UNUSED_MANAGER_METHODS],
  [/socket\.io-parser[\\/]build[\\/]esm[\\/]index\.js$/, UNUSED_PARSER_METHODS],
  [/socket\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/, UNUSED_SOCKET_METHODS],
  [/engine\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/, UNUSED_ENGINE_METHODS],
];
/**
 * Exact edits of socket.io code paths the widget never takes; an edit whose text is not
 * found any more (a new release) fails the build.
 * - The Manager falls back to socket.io-parser's whole module when no parser is given;
 *   the widget always gives its own (safe-encoder.ts), so the fallback, and the packet
 *   validators it kept in the bundle, go.
 * - engine.io's transports given as classes (`transportImplementations`): the widget names
 *   them.
 * - socket.io's connection state recovery, which the Confab server does not enable: the
 *   session id (`pid`) it would send is never there, so nothing is recovered.
 * - `io.Manager`, `io.connect` and the like, for code that calls socket.io through `io`
 *   as a namespace; the widget imports `io` and calls it.
 * - engine.io options the widget does not set (its transport.ts gives socket.io
 *   `transports`, `parser`, `auth`, `autoConnect` and the reconnection delays only):
 *   closeOnBeforeunload, withCredentials, rememberUpgrade, tryAllTransports,
 *   timestampRequests, a query string (the server URL is an origin, see validServer),
 *   and what only Node.js or React Native read (autoUnref, extraHeaders, the socket
 *   options of the `ws` package). ~0.5 kB gzip.
 */
const EDITS = [
  [
    /socket\.io-client[\\/]build[\\/]esm[\\/]index\.js$/,
    [
      [
        `Object.assign(lookup, {
    Manager,
    Socket,
    io: lookup,
    connect: lookup,
});`,
        '',
      ],
    ],
  ],
  [
    /socket\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/,
    [
      [
        `            data: this._pid
                ? Object.assign({ pid: this._pid, offset: this._lastOffset }, data)
                : data,`,
        '            data,',
      ],
      [
        `        if (this._pid && args.length && typeof args[args.length - 1] === "string") {
            this._lastOffset = args[args.length - 1];
        }
`,
        '',
      ],
      [
        `        this.recovered = pid && this._pid === pid;
        this._pid = pid; // defined only if connection state recovery is enabled
`,
        '',
      ],
    ],
  ],
  [
    /socket\.io-client[\\/]build[\\/]esm[\\/]manager\.js$/,
    [
      ['const _parser = opts.parser || parser;', 'const _parser = opts.parser;'],
      ['on(socket, "ping", this.onping.bind(this)), ', ''],
      // What the option setters did (UNUSED_MANAGER_METHODS), as fields.
      [
        `        this.reconnection(opts.reconnection !== false);
        this.reconnectionAttempts(opts.reconnectionAttempts || Infinity);
        this.reconnectionDelay(opts.reconnectionDelay || 1000);
        this.reconnectionDelayMax(opts.reconnectionDelayMax || 5000);
        this.randomizationFactor((_a = opts.randomizationFactor) !== null && _a !== void 0 ? _a : 0.5);
        this.backoff = new Backoff({
            min: this.reconnectionDelay(),
            max: this.reconnectionDelayMax(),
            jitter: this.randomizationFactor(),
        });
        this.timeout(null == opts.timeout ? 20000 : opts.timeout);`,
        `        this._reconnection = opts.reconnection !== false;
        this.skipReconnect = !this._reconnection;
        this._reconnectionAttempts = opts.reconnectionAttempts || Infinity;
        this.backoff = new Backoff({
            min: opts.reconnectionDelay || 1000,
            max: opts.reconnectionDelayMax || 5000,
            jitter: (_a = opts.randomizationFactor) !== null && _a !== void 0 ? _a : 0.5,
        });
        this._timeout = null == opts.timeout ? 20000 : opts.timeout;`,
      ],
    ],
  ],
  [
    /engine\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/,
    [
      [
        `        if (opts.transportImplementations && opts.transports) {
            throw new Error("specifying both 'transportImplementations' and 'transports' options is not supported");
        }
        if (opts.transportImplementations ||
            (((_a = opts.transports) === null || _a === void 0 ? void 0 : _a.length) && typeof opts.transports[0] === "function")) {
            // 'transports' option as an array of transport implementations is kept for backward compatibility
            this.transports = [];
            this._transportsByName = Object.create(null);
            ((_b = opts.transportImplementations) !== null && _b !== void 0 ? _b : opts.transports).forEach((t) => {
                const transportName = t.prototype.name;
                this.transports.push(transportName);
                this._transportsByName[transportName] = t;
            });
        }
        else {`,
        '        {',
      ],
      // A query given as a string: the widget gives none, and its server URL is an origin.
      [
        `        if (typeof this.opts.query === "string") {
            this.opts.query = decode(this.opts.query);
        }
`,
        '',
      ],
      // Options the widget does not set: closeOnBeforeunload, withCredentials (a cookie
      // jar outside browsers), rememberUpgrade, tryAllTransports, autoUnref (Node.js).
      [
        `            if (this.opts.closeOnBeforeunload) {
                // Firefox closes the connection when the "beforeunload" event is emitted but not Chrome. This event listener
                // ensures every browser behaves the same (no "disconnect" event at the Socket.IO level when the page is
                // closed/reloaded)
                this._beforeunloadEventListener = () => {
                    if (this.transport) {
                        // silently close the transport
                        this.transport.removeAllListeners();
                        this.transport.close();
                    }
                };
                addEventListener("beforeunload", this._beforeunloadEventListener, false);
            }
`,
        '',
      ],
      [
        `                if (this._beforeunloadEventListener) {
                    removeEventListener("beforeunload", this._beforeunloadEventListener, false);
                }
`,
        '',
      ],
      [
        `        if (this.opts.withCredentials) {
            this._cookieJar = createCookieJar();
        }
`,
        '',
      ],
      [
        `        const transportName = this.opts.rememberUpgrade &&
            Socket.priorWebsocketSuccess &&
            this.transports.indexOf("websocket") !== -1
            ? "websocket"
            : this.transports[0];`,
        '        const transportName = this.transports[0];',
      ],
      // With no upgrade (see UNUSED_ENGINE_METHODS) nothing reads which transport last worked.
      [
        `        Socket.priorWebsocketSuccess = "websocket" === this.transport.name;
        this.emitReserved("open");
        this.flush();
        if ("open" === this.readyState && this.opts.upgrade) {
            for (let i = 0; i < this._upgrades.length; i++) {
                this._probe(this._upgrades[i]);
            }
        }`,
        `        this.emitReserved("open");
        this.flush();`,
      ],
      [
        `        Socket.priorWebsocketSuccess = false;
        if (this.opts.tryAllTransports &&
            this.transports.length > 1 &&
            this.readyState === "opening") {
            this.transports.shift();
            return this._open();
        }
`,
        '',
      ],
      [
        `        if (this.opts.autoUnref) {
            this._pingTimeoutTimer.unref();
        }
`,
        '',
      ],
    ],
  ],
  [
    // The browser's WebSocket: what only React Native or Node.js read goes (their socket
    // options, extra headers, autoUnref), and the timestampRequests option the widget does not set.
    /engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]websocket\.js$/,
    [
      [
        `const isReactNative = typeof navigator !== "undefined" &&
    typeof navigator.product === "string" &&
    navigator.product.toLowerCase() === "reactnative";
`,
        '',
      ],
      [
        `        const opts = isReactNative
            ? {}
            : pick(this.opts, "agent", "perMessageDeflate", "pfx", "key", "passphrase", "cert", "ca", "ciphers", "rejectUnauthorized", "localAddress", "protocolVersion", "origin", "maxPayload", "family", "checkServerIdentity");
        if (this.opts.extraHeaders) {
            opts.headers = this.opts.extraHeaders;
        }
        try {
            this.ws = this.createSocket(uri, protocols, opts);`,
        `        try {
            this.ws = this.createSocket(uri, protocols);`,
      ],
      [
        `            if (this.opts.autoUnref) {
                this.ws._socket.unref();
            }
`,
        '',
      ],
      [
        `        if (this.opts.timestampRequests) {
            query[this.opts.timestampParam] = randomString();
        }
`,
        '',
      ],
      [
        `        return !isReactNative
            ? protocols
                ? new WebSocketCtor(uri, protocols)
                : new WebSocketCtor(uri)
            : new WebSocketCtor(uri, protocols, opts);`,
        '        return protocols ? new WebSocketCtor(uri, protocols) : new WebSocketCtor(uri);',
      ],
    ],
  ],
];
/** A plugin making exact edits, [file pattern, [[from, to], …]]; an edit not found fails the build. */
const editExactly = (name, table) => ({
  name,
  transform(code, id) {
    const edits = table.find(([file]) => file.test(id))?.[1];
    if (!edits) return null;
    let edited = code;
    for (const [from, to] of edits) {
      if (!edited.includes(from)) throw new Error(`${name}: ${id} no longer has ${from.slice(0, 60)}…`);
      edited = edited.replace(from, to);
    }
    return { code: edited, map: null };
  },
});
const editSocketIo = () => editExactly('confab-edit-socket-io', EDITS);

/**
 * engine.io's stand-ins for what older or non-browser runtimes lack, where every browser
 * that can run the widget has the real thing (the bundle is ES2020 syntax, `?.` and `??`,
 * which came after `globalThis` and `Promise` everywhere): its global object lookup,
 * its `nextTick` without promises, and the `useNativeTimers` option (timers kept from
 * before a test framework fakes them), which the widget does not set.
 */
const BROWSER_BUILTINS = [
  [
    /engine\.io-client[\\/]build[\\/]esm[\\/]globals\.js$/,
    [
      [
        `export const nextTick = (() => {
    const isPromiseAvailable = typeof Promise === "function" && typeof Promise.resolve === "function";
    if (isPromiseAvailable) {
        return (cb) => Promise.resolve().then(cb);
    }
    else {
        return (cb, setTimeoutFn) => setTimeoutFn(cb, 0);
    }
})();`,
        'export const nextTick = (cb) => Promise.resolve().then(cb);',
      ],
      [
        `export const globalThisShim = (() => {
    if (typeof self !== "undefined") {
        return self;
    }
    else if (typeof window !== "undefined") {
        return window;
    }
    else {
        return Function("return this")();
    }
})();`,
        'export const globalThisShim = globalThis;',
      ],
    ],
  ],
  [
    /engine\.io-client[\\/]build[\\/]esm[\\/]util\.js$/,
    [
      [
        `// Keep a reference to the real timeout functions so they can be used when overridden
const NATIVE_SET_TIMEOUT = globalThis.setTimeout;
const NATIVE_CLEAR_TIMEOUT = globalThis.clearTimeout;
export function installTimerFunctions(obj, opts) {
    if (opts.useNativeTimers) {
        obj.setTimeoutFn = NATIVE_SET_TIMEOUT.bind(globalThis);
        obj.clearTimeoutFn = NATIVE_CLEAR_TIMEOUT.bind(globalThis);
    }
    else {
        obj.setTimeoutFn = globalThis.setTimeout.bind(globalThis);
        obj.clearTimeoutFn = globalThis.clearTimeout.bind(globalThis);
    }
}`,
        `export function installTimerFunctions(obj) {
    obj.setTimeoutFn = globalThis.setTimeout.bind(globalThis);
    obj.clearTimeoutFn = globalThis.clearTimeout.bind(globalThis);
}`,
      ],
    ],
  ],
];
const browserBuiltins = () => editExactly('confab-browser-builtins', BROWSER_BUILTINS);

/**
 * What socket.io and engine.io do for options the widget never sets and events nobody
 * listens to. The widget listens to its namespace socket's `connect`, `disconnect` and
 * `connect_error` only (transport.ts, tabs.ts), and socket.io's own classes listen to
 * `open`, `error`, `data`, `close`, `drain` and `packet`; engine.io's `packet`,
 * `heartbeat`, `ping`, `pong`, `message`, `handshake` and `packetCreate` and the
 * Manager's `reconnect*` events go unheard. Options: the defaults of engine.io options
 * nothing reads any more (see EDITS: agent, withCredentials, upgrade, timestampParam,
 * rememberUpgrade, rejectUnauthorized, perMessageDeflate, closeOnBeforeunload), its
 * default transports (the widget names its own), the Manager's `autoUnref` (Node.js),
 * and the Socket's `retries` queue and catch-all listeners, whose methods are gone
 * (UNUSED_SOCKET_METHODS). Backoff's setters were called by the Manager's option
 * setters only (UNUSED_MANAGER_METHODS).
 */
const UNHEARD = [
  [
    /engine\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/,
    [
      [
        `            this.transports = opts.transports
                ? [...opts.transports]
                : ["polling", "websocket", "webtransport"];`,
        '            this.transports = [...opts.transports];',
      ],
      [
        `        this.opts = Object.assign({
            path: "/engine.io",
            agent: false,
            withCredentials: false,
            upgrade: true,
            timestampParam: "t",
            rememberUpgrade: false,
            addTrailingSlash: true,
            rejectUnauthorized: true,
            perMessageDeflate: {
                threshold: 1024,
            },
            transportOptions: {},
            closeOnBeforeunload: false,
        }, opts);`,
        `        this.opts = Object.assign({
            path: "/engine.io",
            addTrailingSlash: true,
            transportOptions: {},
        }, opts);`,
      ],
      [
        `            this.emitReserved("packet", packet);
            // Socket is live - any packet counts
            this.emitReserved("heartbeat");
`,
        '',
      ],
      [
        `                    this.emitReserved("ping");
                    this.emitReserved("pong");
`,
        '',
      ],
      ['                    this.emitReserved("message", packet.data);\n', ''],
      ['        this.emitReserved("handshake", data);\n', ''],
      ['        this.emitReserved("packetCreate", packet);\n', ''],
    ],
  ],
  [
    /socket\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/,
    [
      // The text of the error a socket.io v2 server causes: the widget reads a
      // `connect_error`'s message for a refused identity token only (transport.ts).
      [
        'new Error("It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible (more information here: https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)")',
        'new Error("a socket.io v2 server")',
      ],
      ['        this._queue = [];\n', ''],
      ['        this._queueSeq = 0;\n', ''],
      [
        `        if (this._opts.retries && !this.flags.fromQueue && !this.flags.volatile) {
            this._addToQueue(args);
            return this;
        }
`,
        '',
      ],
      ['        this._drainQueue(true);\n', ''],
      [
        `        if (this._anyListeners && this._anyListeners.length) {
            const listeners = this._anyListeners.slice();
            for (const listener of listeners) {
                listener.apply(this, args);
            }
        }
`,
        '',
      ],
    ],
  ],
  [
    /socket\.io-client[\\/]build[\\/]esm[\\/]manager\.js$/,
    [
      ['            this.emitReserved("reconnect_failed");\n', ''],
      ['                this.emitReserved("reconnect_attempt", self.backoff.attempts);\n', ''],
      ['                        this.emitReserved("reconnect_error", err);\n', ''],
      ['        this.emitReserved("reconnect", attempt);\n', ''],
      // Twice: the open timeout's timer and the reconnection's.
      [
        `            if (this.opts.autoUnref) {
                timer.unref();
            }
`,
        '',
      ],
      [
        `            if (this.opts.autoUnref) {
                timer.unref();
            }
`,
        '',
      ],
    ],
  ],
  [
    /socket\.io-client[\\/]build[\\/]esm[\\/]contrib[\\/]backo2\.js$/,
    [
      [
        `Backoff.prototype.setMin = function (min) {
    this.ms = min;
};`,
        '',
      ],
      [
        `Backoff.prototype.setMax = function (max) {
    this.max = max;
};`,
        '',
      ],
      [
        `Backoff.prototype.setJitter = function (jitter) {
    this.jitter = jitter;
};`,
        '',
      ],
    ],
  ],
];
const unheard = () => editExactly('confab-unheard', UNHEARD);

/**
 * socket.io-parser's decoder reads the attachment count of a binary packet before the
 * rest; the widget's decoder refuses binary packets whole (UNUSED_PARSER_METHODS' `add`),
 * so that count, its checks and the `maxAttachments` option go. A binary packet still
 * throws, now as an invalid payload or in `add`, and the connection closes as before.
 */
const TEXT_PACKETS = [
  [
    /socket\.io-parser[\\/]build[\\/]esm[\\/]index\.js$/,
    [
      [
        `        // look up attachments if type binary
        if (p.type === PacketType.BINARY_EVENT ||
            p.type === PacketType.BINARY_ACK) {
            const start = i + 1;
            while (str.charAt(++i) !== "-" && i != str.length) { }
            const buf = str.substring(start, i);
            if (buf != Number(buf) || str.charAt(i) !== "-") {
                throw new Error("Illegal attachments");
            }
            const n = Number(buf);
            if (!isInteger(n) || n < 1) {
                throw new Error("Illegal attachments");
            }
            else if (n > this.opts.maxAttachments) {
                throw new Error("too many attachments");
            }
            p.attachments = n;
        }
`,
        '',
      ],
      [
        `        this.opts = Object.assign({
            reviver: undefined,
            maxAttachments: 10,
        }, typeof opts === "function" ? { reviver: opts } : opts);`,
        '        this.opts = Object.assign({}, typeof opts === "function" ? { reviver: opts } : opts);',
      ],
    ],
  ],
];
const textPackets = () => editExactly('confab-text-packets', TEXT_PACKETS);

/**
 * @preact/signals can bind a signal straight to the DOM: a signal given as a child
 * renders as a text node that it updates itself, and one given as an element's
 * attribute is set by an effect of its own, both without a render. The widget's views
 * read `.value` and render instead (tests/unit/widget/signal-bindings.test.ts keeps it
 * so), so the widget build leaves that machinery out (~0.5 kB gzip): the text node
 * component and the vnode look it gives Signal.prototype, the attribute bindings made
 * as elements are created and diffed, and their clean-up on unmount. Components still
 * re-render when a signal they read changes (the `__r` hook and shouldComponentUpdate
 * stay). Edits of @preact/signals' published (minified) module, 2.11.4.
 */
const SIGNAL_DOM_BINDINGS = [
  [
    /@preact[\\/]signals[\\/]dist[\\/]signals\.module\.js$/,
    [
      // The text node a signal child renders as, and what makes a signal look like a vnode.
      [
        'function w(i){var n=this,r=i.data,t=useSignal(r);t.name="ReactiveDom";t.value=r;var e=o(function(){var i=n,r=n.__v;while(r=r.__)if(r.__c){r.__c.__$f|=4;break}var o=v(function(){var i=t.value.value;return 0===i?0:!0===i?"":i||""}),e=v(function(){return!Array.isArray(o.value)&&!f(o.value)}),u=a(function(){this.N=M;if(e.value){var n=o.value;if(i.__v&&i.__v.__e&&3===i.__v.__e.nodeType)i.__v.__e.data=n}}),c=n.__$u.d;n.__$u.d=function(){u();c.call(this)};return[e,o]},[]),u=e[0],c=e[1];return u.value?c.peek():c.value}w.displayName="ReactiveTextNode";Object.defineProperties(c.prototype,{constructor:{configurable:!0,value:i(n,null).constructor},type:{configurable:!0,value:w},props:{configurable:!0,get:function(){var i=this;return{data:{get value(){return i.value}}}}},__b:{configurable:!0,value:1}});',
        '',
      ],
      // Before an element's diff: its signal attributes set aside for binding.
      [
        'if("string"==typeof n.type){var r,t=n.props;for(var f in t)if("children"!==f){var o=t[f];if(o instanceof c){if(!r)n.__np=r={};r[f]=o;t[f]=o.peek()}}}',
        '',
      ],
      // After it: the bindings made or moved to their new values.
      [
        'var r;if("string"==typeof n.type&&(r=n.__e)){var t=n.__np,f=n.props,o=r.U;if(o)for(var e in o){var u=o[e];if(!(void 0===u||t&&e in t)){u.d();o[e]=void 0}}if(t){if(!o){o={};r.U=o}for(var a in t){var c=o[a],v=t[a];if(void 0===c){c=k(r,a,v,f);o[a]=c}else c.o(v,f)}}}',
        '',
      ],
      [
        'function k(i,n,r,t){var f=n in i&&void 0===i.ownerSVGElement,o=s(r);return{o:function(i,n){o.value=i;t=n},d:a(function(){this.N=M;var r=o.value.value;if(t[n]!==r){t[n]=r;if(f)i[n]=r;else if(null!=r&&(!1!==r||"-"===n[4]))i.setAttribute(n,r);else i.removeAttribute(n)}})}}',
        '',
      ],
      // On unmount, only a component's own effect is left to dispose.
      [
        'if("string"==typeof n.type){var r=n.__e;if(r){var t=r.U;if(t){r.U=void 0;for(var f in t){var o=t[f];if(o)o.d()}}}var e=n.__np;if(e){var u=n.props;for(var a in e)u[a]=e[a]}n.__np=void 0}else{var c=n.__c;',
        'if("string"!=typeof n.type){var c=n.__c;',
      ],
    ],
  ],
];
const signalsWithoutDomBindings = () => editExactly('confab-signals-dom-bindings', SIGNAL_DOM_BINDINGS);
const slimSocketClass = () => ({
  name: 'confab-slim-socket-class',
  transform(code, id) {
    const unused = SOCKET_CLASSES.find(([file]) => file.test(id))?.[1];
    if (!unused) return null;
    let slim = code;
    for (const [method, replacement] of Object.entries(unused)) {
      // Class methods sit at four spaces and close with a brace at four spaces.
      const start = slim.search(new RegExp(`\\n {4}${method}\\(`));
      const end = start < 0 ? -1 : slim.indexOf('\n    }\n', start);
      if (end < 0) throw new Error(`confab-slim-socket-class: ${id} has no method ${method} any more`);
      slim = `${slim.slice(0, start + 1)}    ${replacement ?? ''}${slim.slice(end + 6)}`;
    }
    return { code: slim, map: null };
  },
});

/**
 * The loader hands the widget its config parser and style helpers at mount, so in the
 * script-tag build the widget's imports of those modules go to src/loader/shared-parts.ts,
 * which forwards to the loader's copies, instead of bundling them a second time.
 */
const LOADER_MODULES = /src[\\/]loader[\\/](config|styles|launcher)\.ts$/;
const WIDGET_MODULE = /src[\\/]widget[\\/]/;
const SHARED_PARTS = fileURLToPath(new URL('./src/loader/shared-parts.ts', import.meta.url));
const loaderPartsFromLoader = () => ({
  name: 'confab-loader-parts',
  async resolveId(source, importer, options) {
    if (!importer || !WIDGET_MODULE.test(importer)) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved && LOADER_MODULES.test(resolved.id) ? SHARED_PARTS : null;
  },
});

// Types are checked once, by `npm run typecheck` (first in `npm test`); each of the five
// builds below checking them again cost about a minute on two cores and changed no byte.
const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*', 'demo/**/*', 'console/**/*'],
    noEmit: false,
    noCheck: true,
    types: [],
  });
// Statements stay statements (`sequences: false`): joined by commas they compress worse
// under gzip (-47 B in the widget chunk, -1 B in the loader).
const TERSER = {
  ecma: 2020,
  module: true,
  compress: { passes: 3, unsafe_arrows: true, sequences: false },
  format: { comments: false },
};
const minify = () => terser(TERSER);

/**
 * The widget build's minifier. In the entry chunk it also shortens the `_private` members
 * of socket.io's classes and a few long internal names of theirs (~300 B gzip): one chunk
 * holds every class that has them and every caller, so the new names agree. Only names
 * of one underscore and a lower-case letter: Preact's internals (`__k`, `__b`…) are named
 * in strings by @preact/signals, which a renamer cannot follow. The build fails if a lazy
 * chunk uses such a name, as that chunk would then disagree with the entry.
 */
const SOCKET_INTERNALS = [
  'emitReserved',
  'setTimeoutFn',
  'clearTimeoutFn',
  'writeBuffer',
  'sendBuffer',
  'receiveBuffer',
  'skipReconnect',
  'emitBuffered',
  'subEvents',
];
const PRIVATE_MEMBER = new RegExp(`^(_[a-z]|(${SOCKET_INTERNALS.join('|')})$)`);
const USES_PRIVATE_MEMBER = new RegExp(`[.]_[a-z]|\\[["']_[a-z]|[.](${SOCKET_INTERNALS.join('|')})\\b`);
/**
 * The widget's code may drop reads of properties whose value is unused (`pure_getters`,
 * -29 B in the open chat): no getter in the widget's bundle has a side effect that
 * matters when its value is thrown away. Checked in the minified output: what it drops
 * is a field read as an unused argument (engine.io's `binaryType`, `supportsBinary`),
 * a cached field read inlined, and @preact/signals' `this.N` read, whose value only its
 * DOM bindings (left out, see SIGNAL_DOM_BINDINGS) used. A signal's `.value` read for
 * its subscription alone would be dropped too: the widget never reads one that way
 * (`noUnusedLocals`, and tests/unit/widget/pure-reads.test.ts for bare reads).
 */
const WIDGET_TERSER = { ...TERSER, compress: { ...TERSER.compress, pure_getters: true } };
const minifyWidget = () => ({
  name: 'confab-minify-widget',
  async renderChunk(code, chunk) {
    if (!chunk.isEntry && USES_PRIVATE_MEMBER.test(code))
      throw new Error(
        `confab-minify-widget: ${chunk.fileName} uses a _private member; it would disagree with the entry`,
      );
    const mangle = chunk.isEntry ? { properties: { regex: PRIVATE_MEMBER } } : true;
    const result = await terserMinify(code, { ...WIDGET_TERSER, mangle, sourceMap: { asObject: true } });
    return { code: result.code, map: result.map };
  },
});

export default [
  {
    input: 'src/loader/index.ts',
    // Every host page downloads this file: its source map is published beside it
    // (dist/loader.js.map) without the sourceMappingURL comment, 26 B gzip on every page.
    output: { file: 'dist/loader.js', format: 'iife', sourcemap: 'hidden' },
    plugins: [ts(), minify()],
  },
  {
    // The entry takes the loader's parts, then mounts src/widget/index.tsx.
    input: { widget: 'src/loader/widget-entry.ts' },
    // Lazy chunks import shared code straight from widget.js: no facade file to fetch first.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: 'dist/widget',
      format: 'es',
      entryFileNames: '[name].js',
      // Locale chunks are plain data (a missing key falls back to English), so they can keep
      // stable names, which compress far better in the widget's map of eleven locales. Code
      // chunks keep their hashes: a release never mixes old and new code.
      chunkFileNames: (chunk) => (/^[a-z]{2}$/.test(chunk.name) ? '[name].js' : '[name]-[hash].js'),
      sourcemap: true,
    },
    plugins: [
      onlyWebSocket(),
      slimSocketIo(),
      slimSocketClass(),
      editSocketIo(),
      browserBuiltins(),
      unheard(),
      textPackets(),
      signalsWithoutDomBindings(),
      compactBaseCss(),
      loaderPartsFromLoader(),
      nodeResolve({ browser: true }),
      ts(),
      minifyWidget(),
    ],
  },
  {
    input: 'src/index.ts',
    output: { dir: 'dist/esm', format: 'es', sourcemap: true, preserveModules: true, preserveModulesRoot: 'src' },
    external: [/^preact/, /^@preact\//, /^socket\.io-client/],
    plugins: [ts()],
  },
  {
    input: 'demo/designer/designer.tsx',
    output: { file: 'demo/designer/dist/designer.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), ts(), minify()],
  },
  {
    input: 'console/console.tsx',
    output: { file: 'console/dist/console.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), ts(), minify(), copy(['console/index.html', 'console/console.css'])],
  },
];
