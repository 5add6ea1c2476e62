# Machines that manage shared infrastructure: no resources of their own here. The tag
# chooses who runs provisioning (see inventory/services/terranix.nix).
{ }
