import { adOfWords, wordCount, FULL_AD_WORDS } from '../ads.ts';
console.log(FULL_AD_WORDS, wordCount(adOfWords(500)), wordCount(adOfWords(1000)));
