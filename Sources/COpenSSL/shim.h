#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
/* The system's OpenSSL (Debian libssl-dev): certificates, public keys and signatures for SNS verification, and the
   digests, MACs and ECDSA checks of the providers' signatures. */
#include <openssl/pem.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#endif
