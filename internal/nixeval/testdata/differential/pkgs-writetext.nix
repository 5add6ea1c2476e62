# pkgs without nixpkgs: writeText is refused (its store path would not be the one of
# nixpkgs' writeText derivation); an unused package (in _meta, never forced) is fine.
{ pkgs, ... }: {
  _meta.pkg = pkgs.hello;
  resource.local_file.f = { filename = "x"; source = "${pkgs.writeText "motd" "hello"}"; };
}
