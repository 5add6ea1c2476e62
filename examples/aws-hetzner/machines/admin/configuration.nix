# The infra-manager: runs clan-terranix (see inventory/services/terranix.nix). No
# infrastructure.nix: it is not a workspace itself.
{ ... }:
{
  imports = [ ../../modules/terranix/default.nix ];
}
