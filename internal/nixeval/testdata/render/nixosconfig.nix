{ nixosConfig, ... }: { output.host.value = nixosConfig.networking.hostName; }
