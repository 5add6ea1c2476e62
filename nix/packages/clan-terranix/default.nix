# The clan-terranix binary, built with buildGoModule (callPackage this file).
#
# vendorHash changes whenever go.mod/go.sum change. To update it: set it to lib.fakeHash,
# run `nix build .#clan-terranix`, and copy the "got: sha256-..." line into place.
{
  lib,
  stdenv,
  buildGoModule,
  go_1_26 ? null,
  installShellFiles,
  makeWrapper,
  git,
  nix,
  opentofu,
  version ? "0.1.0-dev",
}:
let
  # go.mod says go 1.26; use that toolchain where nixpkgs' default is older.
  buildGo = if go_1_26 != null then buildGoModule.override { go = go_1_26; } else buildGoModule;
  root = ../../..;
in
buildGo {
  pname = "clan-terranix";
  inherit version;

  # Only what the binary is built from (examples/ is embedded: `init` writes the
  # quickstart): docs and the nested test modules (tools/, tests/acceptance/)
  # would rebuild it for nothing.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      (root + "/go.mod")
      (root + "/go.sum")
      (root + "/cmd")
      (root + "/examples")
      (root + "/internal")
      (root + "/nix")
    ];
  };

  # Computed here from `go mod vendor` (nix hash path vendor) for the go.mod of 2026-11-26.
  vendorHash = "sha256-0Ym/eL5rfZ8093dOB2HXrYvma9VrSXHy2atdEvVm56c=";

  subPackages = [ "cmd/clan-terranix" ];

  env.CGO_ENABLED = 0;

  ldflags = [
    "-s"
    "-w"
    "-X github.com/clan-terranix/clan-terranix/internal/cli.Version=${version}"
  ];

  nativeBuildInputs = [
    installShellFiles
    makeWrapper
  ];

  # Unit tests run in the build; tests needing nix, tofu or the network skip
  # themselves there (CI is unset in the sandbox). git is real in the tests.
  nativeCheckInputs = [ git ];
  checkPhase = ''
    runHook preCheck
    export HOME=$(mktemp -d)
    git config --global user.email "test@clan-terranix.invalid"
    git config --global user.name "clan-terranix tests"
    go test ./internal/... ./nix/...
    runHook postCheck
  '';

  postInstall =
    lib.optionalString (stdenv.buildPlatform.canExecute stdenv.hostPlatform) ''
      installShellCompletion --cmd clan-terranix \
        --bash <($out/bin/clan-terranix completion bash) \
        --fish <($out/bin/clan-terranix completion fish) \
        --zsh <($out/bin/clan-terranix completion zsh)
    ''
    # nix and git are needed at run time; the user's own tofu/terraform on PATH wins
    # over the one added here (suffix), as the engine detection expects.
    + ''
      wrapProgram $out/bin/clan-terranix \
        --prefix PATH : ${lib.makeBinPath [ nix git ]} \
        --suffix PATH : ${lib.makeBinPath [ opentofu ]}
    '';

  meta = {
    description = "Provision a Clan's infrastructure from Terranix, in dependency order, with state in git";
    homepage = "https://github.com/clan-terranix/clan-terranix";
    mainProgram = "clan-terranix";
  };
}
