/** Prints a password hash for the sites config: npm run hash-password -- 'secret' */
import { hashPassword } from './passwords';

const password = process.argv[2];
if (!password) {
  console.error("usage: npm run hash-password -- 'the password'");
  process.exit(2);
}
console.log(hashPassword(password));
