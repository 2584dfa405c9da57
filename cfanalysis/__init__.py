"""cfanalysis: analyse Children's Services complaints and compliments."""
