{ ... }:
{
  imports = [ ../../modules/terranix/default.nix ];
  clan.terranix.enable = true;
}
