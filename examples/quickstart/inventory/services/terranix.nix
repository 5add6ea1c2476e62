# The terranix Clan service: roles for infrastructure management.
# - machine: machines that get a workspace of their own (settings: dependsOn, infrastructure,
#   and how `clan-terranix install` runs `clan machines install`)
# - infra-manager: the machine that runs provisioning; its role settings are the clan-wide settings.
{
  instances.terranix = {
    module.name = "terranix";
    module.input = "clan-terranix";

    roles.machine.tags.local-infra = { };
    roles.machine.settings = {
      dependsOn = [ "shared" ];
      # The install writes machines/<name>/facter.json: the machine's hardware config.
      updateHardwareConfig = "nixos-facter";
    };

    roles.infra-manager.settings = {
      engine = "tofu";
    };
  };
}
