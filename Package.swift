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
    .target(name: "CSystemShims"),
    .target(name: "KatibSACLI", dependencies: ["KatibSA", "CSystemShims"]),
    .executableTarget(name: "katib-sa", dependencies: ["KatibSACLI"]),
    .target(name: "KatibSAChecks", dependencies: ["KatibSA"]),
    .testTarget(name: "YAMLEditTests", dependencies: ["YAMLEdit"]),
    .testTarget(name: "KatibSATests", dependencies: ["KatibSA", "KatibSAChecks"]),
    .testTarget(name: "KatibSACLITests", dependencies: ["KatibSACLI", "KatibSAChecks"]),
  ]
)

// The libFuzzer target has no `main` (libFuzzer brings it), so it only links with
// `--sanitize=fuzzer`; it is declared only when KATIB_SA_FUZZ=1 is set, so that a plain
// `swift build` or `swift test` never tries to link it. Tests/Scripts/fuzz.sh sets it.
if Context.environment["KATIB_SA_FUZZ"] == "1" {
  package.targets.append(.executableTarget(name: "KatibSAFuzz", dependencies: ["KatibSAChecks"]))
  package.products.append(.executable(name: "katib-sa-fuzz", targets: ["KatibSAFuzz"]))
}
