{
  clanCore.tags = [ "aws-infra" ];

  clan.terranix = {
    enable = true;
    infrastructure = ./infrastructure.nix;
    dependsOn = [ "shared" ];
  };
}
