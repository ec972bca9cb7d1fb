import switchyard from '@switchyard/eslint-config';

export default switchyard;
