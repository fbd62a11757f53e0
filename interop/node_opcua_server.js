#!/usr/bin/env node
// An OPC UA server on node-opcua for the interoperability tests.
//
//   node node_opcua_server.js --port 0 --cert server.pem --key server.key --pki DIR [--user NAME:PASSWORD]
//
// Listens on 127.0.0.1 only. Once listening it prints one JSON line on stdout:
// {"port": N, "endpoint": "opc.tcp://127.0.0.1:N/interop", "namespace": INDEX}. It stops on
// SIGTERM/SIGINT or when stdin closes (so it never outlives the test that started it).
//
// Endpoints: security None, and Basic256Sha256 with Sign and with SignAndEncrypt, using the
// server certificate and key given on the command line. Client certificates are accepted
// automatically (the PKI folder is the test's temporary directory).
"use strict";

const path = require("path");
const {
    OPCUAServer,
    OPCUACertificateManager,
    Variant,
    VariantArrayType,
    DataType,
    StatusCodes,
    SecurityPolicy,
    MessageSecurityMode,
} = require("node-opcua");

const NAMESPACE = "urn:forewarn:interop:node-opcua";
const SPARE_NAMESPACE = "urn:forewarn:interop:spare"; // registered first: ours is not at index 2

function parseArgs(argv) {
    const out = { port: 0, cert: null, key: null, pki: null, user: null };
    for (let i = 2; i < argv.length; i += 2) {
        const k = argv[i].replace(/^--/, "");
        out[k] = argv[i + 1];
    }
    out.port = Number(out.port);
    return out;
}

// Fixed values of every data type (names as the tests expect them).
const FIXED = [
    ["Bool", DataType.Boolean, true],
    ["Int16", DataType.Int16, -12345],
    ["UInt16", DataType.UInt16, 54321],
    ["Int32", DataType.Int32, -100000],
    ["UInt32", DataType.UInt32, 3000000000],
    ["Float", DataType.Float, 123.5],
    ["Double", DataType.Double, 1.0e10 + 0.5],
    ["Byte", DataType.Byte, 200],
    ["SByte", DataType.SByte, -100],
    ["Int64", DataType.Int64, [0, 1234567]], // node-opcua encodes 64-bit integers as [high, low]
    ["String", DataType.String, "not a number"],
    ["NumericString", DataType.String, "42.5"],
];

async function main() {
    const args = parseArgs(process.argv);
    const pki = args.pki || path.join(process.cwd(), "pki");
    const serverCertificateManager = new OPCUACertificateManager({
        rootFolder: path.join(pki, "server"),
        automaticallyAcceptUnknownCertificate: true,
    });
    const userManager = args.user
        ? {
              isValidUser: (name, password) => `${name}:${password}` === args.user,
          }
        : undefined;
    const server = new OPCUAServer({
        port: args.port,
        host: "127.0.0.1",
        hostname: "127.0.0.1",
        resourcePath: "/interop",
        serverCertificateManager,
        certificateFile: args.cert || undefined,
        privateKeyFile: args.key || undefined,
        securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
        securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
        allowAnonymous: true,
        userManager,
        serverInfo: { applicationUri: "urn:forewarn:interop:node-opcua-server", productUri: "forewarn-interop" },
        buildInfo: { productName: "forewarn-interop-node-opcua" },
        // no mDNS / discovery server registration
        registerServerMethod: 0,
    });
    await server.initialize();

    const addressSpace = server.engine.addressSpace;
    addressSpace.registerNamespace(SPARE_NAMESPACE);
    const ns = addressSpace.registerNamespace(NAMESPACE);
    const folder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: "Interop" });

    for (const [name, dataType, value] of FIXED) {
        ns.addVariable({
            componentOf: folder,
            nodeId: `s=${name}`,
            browseName: name,
            dataType: DataType[dataType],
            value: new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }),
        });
    }

    // Setpoints a client may write (for the write tests), and one it may only read.
    const WRITABLE = [
        ["W.Double", DataType.Double, 1.5],
        ["W.Float", DataType.Float, 2.5],
        ["W.Int16", DataType.Int16, -3],
        ["W.UInt32", DataType.UInt32, 4],
        ["W.Boolean", DataType.Boolean, false],
        ["RO.Double", DataType.Double, 9.5],
    ];
    for (const [name, dataType, value] of WRITABLE) {
        const access = name.startsWith("W.") ? "CurrentRead | CurrentWrite" : "CurrentRead";
        ns.addVariable({
            componentOf: folder,
            nodeId: `s=${name}`,
            browseName: name,
            dataType: DataType[dataType],
            accessLevel: access,
            userAccessLevel: access,
            value: new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }),
        });
    }

    // Values that move every 100 ms: an integer counter and a ramp of doubles.
    let counter = 0;
    const counterVar = ns.addVariable({
        componentOf: folder,
        nodeId: "s=Counter",
        browseName: "Counter",
        dataType: "UInt32",
        value: new Variant({ dataType: DataType.UInt32, value: 0 }),
    });
    const rampVar = ns.addVariable({
        componentOf: folder,
        nodeId: "s=Ramp",
        browseName: "Ramp",
        dataType: "Double",
        value: new Variant({ dataType: DataType.Double, value: 0 }),
    });
    const timer = setInterval(() => {
        counter += 1;
        counterVar.setValueFromSource(new Variant({ dataType: DataType.UInt32, value: counter }));
        rampVar.setValueFromSource(new Variant({ dataType: DataType.Double, value: counter * 0.5 }));
    }, 100);

    // A value whose status is bad (a failed transmitter behind the server).
    const bad = ns.addVariable({
        componentOf: folder,
        nodeId: "s=BadSensor",
        browseName: "BadSensor",
        dataType: "Double",
        value: new Variant({ dataType: DataType.Double, value: 0 }),
    });
    bad.setValueFromSource(new Variant({ dataType: DataType.Double, value: 0 }), StatusCodes.BadSensorFailure);

    await server.start();
    const port = server.endpoints[0].port;
    const nsIndex = addressSpace.getNamespaceIndex(NAMESPACE);
    process.stdout.write(
        JSON.stringify({ port, endpoint: `opc.tcp://127.0.0.1:${port}/interop`, namespace: nsIndex }) + "\n"
    );

    let stopping = false;
    const stop = async () => {
        if (stopping) return;
        stopping = true;
        clearInterval(timer);
        try {
            await server.shutdown(0);
        } finally {
            process.exit(0);
        }
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    process.stdin.on("end", stop);
    process.stdin.on("close", stop);
    process.stdin.resume();
}

main().catch((err) => {
    process.stderr.write(`node_opcua_server: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
});
