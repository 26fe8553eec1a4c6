// The validator lives with the console (it shows violations there); tests keep importing it from here.
export * from '../../src/console/block-kit-validator.js';
