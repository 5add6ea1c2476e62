# Machines tagged infra-manager run provisioning (see inventory/services/terranix.nix).
# They have no resources of their own here.
{ }
