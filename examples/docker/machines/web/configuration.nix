# web's NixOS configuration, as in any Clan.
{ ... }:
{
  imports = [ ../../modules/terranix/default.nix ];

  clan.terranix = {
    enable = true;
    infrastructure = ./infrastructure.nix;
    dependsOn = [ "shared" ];
  };
}
