{
  instances.terranix = {
    module.name = "terranix";
    module.input = "clan-terranix";

    roles.machine.tags.aws-infra = { };
    roles.machine.tags.hetzner-infra = { };
    roles.machine.settings.dependsOn = [ "shared" ];
    roles.machine.machines.db-server.settings.targetHostOutput = "private_ip";

    # The admin machine runs provisioning; these are the clan-wide settings.
    roles.infra-manager.machines.admin = { };
    roles.infra-manager.settings = {
      engine = "tofu";
      credentials = {
        AWS_ACCESS_KEY_ID.command = "clan secrets get aws-access-key-id";
        AWS_SECRET_ACCESS_KEY.command = "clan secrets get aws-secret-access-key";
        HCLOUD_TOKEN.command = "clan secrets get hcloud-token";
      };
      encryption.passphraseCommand = "clan secrets get tf-passphrase";
    };
  };
}
