# The plan's Clan module for Terranix: clan-terranix's NixOS module, from the flake input
# that flake.nix passes to every machine (specialArgs.clan-terranix). It declares
# clan.terranix.{enable,infrastructure,dependsOn} and the read-only clan.terranix.outputs.
{ clan-terranix, ... }:
{
  imports = [ clan-terranix.nixosModules.terranix ];
}
