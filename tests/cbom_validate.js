// SPDX-License-Identifier: Apache-2.0
// Validates a CycloneDX 1.6 BOM with the validator of
// @cyclonedx/cyclonedx-library (its own copy of the official schema, with
// ajv): exit 0 valid, 1 invalid (the errors on stderr), 2 the validator
// could not run.
//
// usage: node cbom_validate.js NODE_MODULES_DIR BOM_FILE
'use strict';
const fs = require('fs');
const path = require('path');

let CDX;
try {
    CDX = require(path.join(process.argv[2], '@cyclonedx', 'cyclonedx-library'));
} catch (e) {
    console.error('cannot load @cyclonedx/cyclonedx-library: ' + e.message);
    process.exit(2);
}
const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
validator.validate(fs.readFileSync(process.argv[3], 'utf8')).then(
    (errors) => {
        if (errors === null) {
            console.log('valid CycloneDX 1.6 (JsonStrictValidator)');
            process.exit(0);
        }
        console.error('invalid: ' + JSON.stringify(errors, null, 1));
        process.exit(1);
    },
    (e) => {
        console.error('the validator could not run: ' + e);
        process.exit(2);
    });
