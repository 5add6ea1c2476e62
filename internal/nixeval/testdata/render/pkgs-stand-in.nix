{ pkgs, ... }: {
  _meta.pkg = pkgs.hello;
  resource.local_file.f = { filename = "x"; source = "${pkgs.writeText "motd" "hello"}"; };
}
