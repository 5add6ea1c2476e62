# The web server's own infrastructure: an instance from the reusable template. `machine.name`
# is this machine's name (the plan's config.networking.hostName).
{ machine, ... }:
{
  imports = [
    (import ../../inventory/infrastructure/modules/instance.nix {
      name = machine.name;
      ports = [ 22 80 443 ];
    })
  ];

  output.authorized_key.value = "\${data.terraform_remote_state.shared.outputs.deploy_public_key}";
}
