/* testnet.h - sockets the unit tests share. */
#ifndef IMAPCONN_TESTNET_H
#define IMAPCONN_TESTNET_H

#include <stdint.h>

/* A socket listening on 127.0.0.1 at a port the system picks (*port)
 * with the given backlog; it accepts nothing by itself.  Fails the
 * running test when it cannot be made. */
int test_listen_loopback(int backlog, uint16_t *port);

#endif
