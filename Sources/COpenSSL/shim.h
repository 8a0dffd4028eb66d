#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
/* The system's OpenSSL (Debian libssl-dev): certificates, public keys and signatures for SNS verification. */
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#endif
