#!/usr/bin/env node
// A Modbus TCP server on modbus-serial's ServerTCP for the interoperability tests.
//
//   node node_modbus_server.js [--unit N]      (N = 255, the library's default: answer every unit id)
//
// Listens on 127.0.0.1 on a free port and prints "PORT <n>" on stdout. (ServerTCP takes
// port 0 as "not given" and listens on 502, so the free port is found first.) Commands on
// stdin, one per line: "unit N" restarts the server on the same port answering unit N only;
// end of file stops it.
//
// Register map (0-based): hr:0-99 exist; hr:0 int16 -2, hr:1 uint16 65535,
// hr:2-3 float32 -1.5 ABCD, hr:4-5 float32 -1.5 CDAB, hr:6-7 uint32 4294967295 ABCD,
// hr:8 0x8001 (bits 0 and 15), hr:10 counter +1 per 100 ms, hr:11-12 ms since start ABCD;
// ir:i = 1000 + i for ir:0-99; co:i = i % 3 == 0 and di:i = i % 2 == 1 for 0-63.
// Holding registers and coils take writes (functions 5, 6, 15, 16); mask write register
// (function 22) is not implemented by the library: it answers exception 01 (illegal function).
// Out-of-range reads throw, which the library answers with exception 04 (server device
// failure), not 02.
"use strict";

const net = require("net");
const ModbusRTU = require("modbus-serial");

const t0 = Date.now();
const HR_SIZE = 100;
const hr = new Array(HR_SIZE).fill(0);
const coils = Array.from({ length: 64 }, (_, i) => i % 3 === 0);
hr[0] = 0xfffe;
hr[1] = 0xffff;
const f = Buffer.alloc(4);
f.writeFloatBE(-1.5);
hr[2] = f.readUInt16BE(0);
hr[3] = f.readUInt16BE(2);
hr[4] = hr[3];
hr[5] = hr[2];
hr[6] = 0xffff;
hr[7] = 0xffff;
hr[8] = 0x8001;

function update() {
    const ms = Date.now() - t0;
    hr[10] = Math.floor(ms / 100) & 0xffff;
    hr[11] = (ms >>> 16) & 0xffff;
    hr[12] = ms & 0xffff;
}

function check(addr, size) {
    if (addr < 0 || addr >= size) throw new Error(`address ${addr} out of range`);
}

const vector = {
    getHoldingRegister(addr) {
        check(addr, HR_SIZE);
        update();
        return hr[addr];
    },
    getInputRegister(addr) {
        check(addr, 100);
        return 1000 + addr;
    },
    getCoil(addr) {
        check(addr, 64);
        return coils[addr];
    },
    getDiscreteInput(addr) {
        check(addr, 64);
        return addr % 2 === 1;
    },
    setRegister(addr, value) {
        check(addr, HR_SIZE);
        hr[addr] = value;
    },
    setCoil(addr, value) {
        check(addr, 64);
        coils[addr] = Boolean(value);
    },
};

function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

function listen(port, unitID) {
    return new Promise((resolve, reject) => {
        const server = new ModbusRTU.ServerTCP(vector, { host: "127.0.0.1", port, unitID });
        server.once("initialized", () => resolve(server));
        server.once("serverError", reject);
        server.on("socketError", () => {}); // a client that resets its connection
    });
}

async function main() {
    const argv = process.argv;
    const i = argv.indexOf("--unit");
    let unit = i > 0 ? Number(argv[i + 1]) : 255;
    let server = null;
    let port = 0;
    for (let attempt = 0; attempt < 5 && server === null; attempt++) {
        port = await freePort();
        server = await listen(port, unit).catch(() => null); // taken meanwhile: try another
    }
    if (server === null) throw new Error("no free port");
    process.stdout.write(`PORT ${port}\n`);

    let buffered = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", async (chunk) => {
        buffered += chunk;
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            const m = /^unit (\d+)$/.exec(line);
            if (m) {
                unit = Number(m[1]);
                await new Promise((resolve) => server.close(resolve));
                server = await listen(port, unit);
                process.stdout.write(`UNIT ${unit}\n`);
            }
        }
    });
    process.stdin.on("end", () => server.close(() => process.exit(0)));
    process.on("SIGTERM", () => process.exit(0));
}

main().catch((err) => {
    process.stderr.write(`node_modbus_server: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
});
