# placeholder: replaced by the NixOS module of clan-terranix (clan.terranix options)
{ lib, ... }: { }
