# Two different values for a str option: nixpkgs' conflict.
{ lib, ... }:
{
  imports = [ { region = "fsn1"; } { region = "nbg1"; } ];
  options.region = lib.mkOption { type = lib.types.str; };
  config.provider.hcloud = { };
}
