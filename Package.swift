// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "callback-gateway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "callback-gateway", targets: ["callback-gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0", traits: []),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        // TLS for service callbacks over a connection to an address we resolved and checked ourselves (DNS pinning).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // SNS signature verification: X.509 certificates and RSA signatures through the system's OpenSSL.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Pure: no database, network or clock. The system's libcrypto computes the digests and checks the signatures
        // of the providers' webhooks (pure functions of bytes and keys).
        .target(
            name: "CallbackCore",
            dependencies: ["COpenSSL"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CallbackStore",
            dependencies: [
                "CLibPQ",
                "CallbackCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CallbackServer",
            dependencies: [
                "CallbackCore",
                "CallbackStore",
                "COpenSSL",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "callback-gateway",
            dependencies: [
                "CallbackCore",
                "CallbackStore",
                "CallbackServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Signs SNS envelopes as SNS does, with a key of our own: for the fixtures and the tests, never the gateway.
        .target(
            name: "FixtureSigning",
            dependencies: ["CallbackCore", "COpenSSL"],
            swiftSettings: swiftSettings
        ),
        // `scripts/sign-fixtures`: re-signs the SES fixtures with fixtures/sns/fixture-signing-key.pem.
        .executableTarget(
            name: "sign-fixtures",
            dependencies: ["CallbackCore", "FixtureSigning"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallbackCoreTests",
            dependencies: ["CallbackCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallbackStoreTests",
            dependencies: ["CallbackCore", "CallbackStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallbackServerTests",
            dependencies: [
                "CallbackCore",
                "CallbackStore",
                "CallbackServer",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallbackGatewayTests",
            dependencies: ["CallbackCore", "CallbackStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["CallbackCore", "CallbackStore", "FixtureSigning", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
    ]
)
