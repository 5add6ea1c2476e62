# Every machine tagged `local-infra` gets this module in its workspace.
{
  imports = [ ../infrastructure/providers/local.nix ];
}
