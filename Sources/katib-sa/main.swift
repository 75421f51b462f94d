import KatibSACLI
