import KatibSA
