/* b64.c - the value of one base64 character. */
#include "b64.h"

int
b64_value(unsigned char c, char last)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == (unsigned char)last)
		return 63;
	return -1;
}
