# List order across nested imports, files and anonymous modules (nixpkgs' collectModules order).
{
  imports = [ ./_parts/a.nix ./_parts/b.nix { locals.order = [ "anon-root" ]; } ];
  locals.order = [ "root" ];
}
