import Glibc
import KatibSACLI

exit(CLI.main())
