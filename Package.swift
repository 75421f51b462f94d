// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "katib-sa",
  products: [
    .executable(name: "katib-sa", targets: ["katib-sa"]),
    .library(name: "KatibSA", targets: ["KatibSA", "YAMLEdit"]),
  ],
  targets: [
    .systemLibrary(
      name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .target(name: "YAMLEdit", dependencies: ["CYAML"]),
    .target(name: "KatibSA", dependencies: ["YAMLEdit"]),
    .target(name: "KatibSACLI", dependencies: ["KatibSA"]),
    .executableTarget(name: "katib-sa", dependencies: ["KatibSACLI"]),
    .testTarget(name: "YAMLEditTests", dependencies: ["YAMLEdit"]),
    .testTarget(name: "KatibSATests", dependencies: ["KatibSA"]),
    .testTarget(name: "KatibSACLITests", dependencies: ["KatibSACLI"]),
  ]
)
