// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "SluiceCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceFormats",
            dependencies: ["SluiceCore"],
            swiftSettings: swiftSettings
        ),
        // Block and stream compression: snappy, zstd and lz4 written here, gzip/deflate over zlib.
        .target(
            name: "SluiceCodecs",
            dependencies: [
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceParquet",
            dependencies: ["SluiceCore", "SluiceFormats", "SluiceCodecs"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceAvro",
            dependencies: ["SluiceCore", "SluiceFormats", "SluiceCodecs"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceXLSX",
            dependencies: [
                "SluiceCore", "SluiceFormats", "SluiceCodecs",
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceOperators",
            dependencies: ["SluiceCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceScheduling",
            dependencies: ["SluiceCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceMySQLWire",
            dependencies: [
                "SluiceCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceRedisWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceNATSWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceConnectors",
            dependencies: [
                "SluiceCore", "SluiceFormats", "SluiceMySQLWire", "SluiceRedisWire", "SluiceNATSWire", "SluiceCodecs", "SluiceParquet", "SluiceAvro", "SluiceXLSX",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceEngine",
            dependencies: [
                "SluiceCore", "SluiceOperators", "SluiceConnectors", "SluiceScheduling",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceServer",
            dependencies: [
                "SluiceEngine", "SluiceScheduling", "SluiceCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceServer", "SluiceEngine", "SluiceCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceTestSupport",
            path: "Tests/SluiceTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore", "SluiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SluiceFormatsTests", dependencies: ["SluiceFormats", "SluiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SluiceCodecsTests", dependencies: ["SluiceCodecs", "SluiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceParquetTests", dependencies: ["SluiceParquet", "SluiceFormats", "SluiceCore", "SluiceTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceAvroTests", dependencies: ["SluiceAvro", "SluiceFormats", "SluiceCore", "SluiceTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceXLSXTests", dependencies: ["SluiceXLSX", "SluiceFormats", "SluiceCore", "SluiceTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "SluiceOperatorsTests", dependencies: ["SluiceOperators", "SluiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceSchedulingTests",
            dependencies: ["SluiceScheduling", "SluiceCore", "SluiceTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceRedisWireTests",
            dependencies: [
                "SluiceRedisWire", "SluiceTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceNATSWireTests",
            dependencies: [
                "SluiceNATSWire", "SluiceTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceMySQLWireTests",
            dependencies: [
                "SluiceMySQLWire", "SluiceCore", "SluiceTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceConnectorsTests",
            dependencies: [
                "SluiceConnectors", "SluiceMySQLWire", "SluiceRedisWire", "SluiceNATSWire", "SluiceTestSupport",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceEngineTests",
            dependencies: [
                "SluiceEngine", "SluiceTestSupport", "SluiceRedisWire", "SluiceNATSWire",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SluiceFuzzing",
            dependencies: [
                "SluiceCore", "SluiceFormats", "SluiceOperators", "SluiceScheduling", "SluiceEngine", "SluiceCodecs", "SluiceParquet",
                "SluiceAvro", "SluiceXLSX", "SluiceRedisWire", "SluiceNATSWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceFuzzingTests",
            dependencies: ["SluiceFuzzing", "SluiceCore", "SluiceFormats", "SluiceScheduling", "SluiceConnectors", "SluiceOperators", "SluiceTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceServerTests",
            dependencies: [
                "SluiceServer", "SluiceTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// libFuzzer executables (see scripts/fuzz.sh), one per entry point of SluiceFuzzing. They exist
// only when SLUICE_FUZZ=1: libFuzzer supplies `main`, so they link only with
// `-sanitize=fuzzer`, and the normal build must not try.
if Context.environment["SLUICE_FUZZ"] == "1" {
    package.targets.append(
        .target(name: "SluiceFuzzDriver", dependencies: ["SluiceFuzzing"], path: "Fuzz/Driver", swiftSettings: swiftSettings))
    for name in [
        "FuzzJSON", "FuzzCSV", "FuzzNDJSON", "FuzzJSONDocument", "FuzzExpression", "FuzzJobSpec", "FuzzCron", "FuzzParquet", "FuzzAvro", "FuzzXLSX",
        "FuzzCodecs", "FuzzRESP", "FuzzNATS",
    ] {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: ["SluiceFuzzing", "SluiceFuzzDriver"], path: "Fuzz/Targets/\(name)", swiftSettings: swiftSettings))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
