# @MACHINE@'s NixOS configuration, as in any Clan.
{ ... }:
{
  imports = [ ../../modules/terranix/default.nix ];

  clan.terranix = {
    enable = true;
    infrastructure = ./infrastructure.nix;
    dependsOn = [ "shared" ];
  };

  # What the cloud allocated is in config.clan.terranix.outputs after the first apply,
  # e.g. config.clan.terranix.outputs.ipv4_address.
}
