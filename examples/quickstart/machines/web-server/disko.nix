# The disk layout `clan machines install` partitions and formats (disko; clan-core imports
# machines/<name>/disko.nix and its disko module). One disk, GPT, BIOS and EFI boot, ext4
# root: the layout of clan-core's ext4-single-disk template. Check `device` against the
# machine's facter.json (lsblk on the rescue system) before installing.
{
  boot.loader.grub = {
    efiSupport = true;
    efiInstallAsRemovable = true;
  };

  disko.devices.disk.main = {
    type = "disk";
    device = "/dev/sda";
    content = {
      type = "gpt";
      partitions = {
        boot = {
          size = "1M";
          type = "EF02"; # GRUB's BIOS boot partition
          priority = 1;
        };
        ESP = {
          size = "500M";
          type = "EF00";
          content = {
            type = "filesystem";
            format = "vfat";
            mountpoint = "/boot";
            mountOptions = [ "umask=0077" ];
          };
        };
        root = {
          size = "100%";
          content = {
            type = "filesystem";
            format = "ext4";
            mountpoint = "/";
          };
        };
      };
    };
  };
}
