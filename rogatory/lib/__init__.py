"""Pure helpers with no Django models: each module is tested on its own."""
